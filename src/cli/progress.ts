/**
 * Progress of the long commands (seed, import, export, schema apply), shown as fits where it goes:
 * on a terminal a bar with rate and ETA (cli-progress, redrawn in place); anywhere else (a pipe, a
 * file, a CI log) plain newline-terminated lines every few seconds, because `\r`-redrawn counters
 * become one endless line there.
 *
 * Progress goes to standard error: standard output may be the data (`export` without --out).
 */
import cliProgress from 'cli-progress';

/** A stream progress can go to; `isTTY` decides between the bar and plain lines. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** The command, leading every line: `seed`, `import`. */
  readonly label: string;
  /** What is counted, in the plural: `companies`, `rows`. */
  readonly unit: string;
  /** How many units there are, when known before the start. */
  readonly total?: number;
  readonly stream?: ProgressStream;
  /** Milliseconds between plain lines; default 5000 (GS_PROGRESS_INTERVAL_MS overrides it). */
  readonly intervalMs?: number;
  /** Milliseconds since some fixed point (tests inject a clock). */
  readonly now?: () => number;
  /** When the work began, on the `now` clock, if before this call (default: now). */
  readonly startedAt?: number;
}

export interface Progress {
  /**
   * `count` units are done. `fraction` (0 to 1) is how much of the work that is, when the total
   * is measured in something else than the units counted (an import counts rows, knows bytes).
   */
  update(count: number, fraction?: number): void;
  /** The work is done: ends the bar, or writes the last line. Later calls do nothing. */
  finish(): void;
  /** The work failed: ends the bar where it is, without a last line (the error follows). */
  stop(): void;
}

const DEFAULT_INTERVAL_MS = 5000;

function intervalFromEnvironment(): number | undefined {
  const raw = process.env.GS_PROGRESS_INTERVAL_MS;
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** `21 s`, `4 min`, `2.5 h`: precise enough for a wait, never `0.0000 s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export interface ProgressState {
  readonly label: string;
  readonly unit: string;
  readonly count: number;
  readonly total?: number;
  readonly fraction?: number;
  readonly elapsedMs: number;
  readonly finished?: boolean;
}

/** How much of the work is done, 0 to 1, when that is known. */
function doneFraction(state: ProgressState): number | undefined {
  if (state.total !== undefined) return state.total === 0 ? 1 : Math.min(1, state.count / state.total);
  return state.fraction;
}

/**
 * One plain progress line, without its newline:
 * `seed: 120000/1000000 companies (12%), 41000/s, ETA 21 s`;
 * `import: 120000 rows (12%), 41000/s, ETA 21 s` (fraction known, total not);
 * `seed: 1000000/1000000 companies (100%), 41000/s, done in 24 s` (finished).
 */
export function progressLine(state: ProgressState): string {
  const seconds = state.elapsedMs / 1000;
  const fraction = doneFraction(state);
  const counted = state.total !== undefined ? `${state.count}/${state.total}` : `${state.count}`;
  const percent = fraction !== undefined ? ` (${Math.floor(fraction * 100)}%)` : '';
  const rate = seconds > 0 ? `, ${Math.round(state.count / seconds)}/s` : '';
  let tail = '';
  if (state.finished) tail = `, done in ${formatDuration(seconds)}`;
  else if (fraction !== undefined && fraction > 0 && seconds > 0) tail = `, ETA ${formatDuration((seconds * (1 - fraction)) / fraction)}`;
  return `${state.label}: ${counted} ${state.unit}${percent}${rate}${tail}`;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  return stream.isTTY ? barProgress(options, stream) : lineProgress(options, stream);
}

/** Plain lines: one when `intervalMs` has passed since the last one, and one at the end. */
function lineProgress(options: ProgressOptions, stream: ProgressStream): Progress {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? intervalFromEnvironment() ?? DEFAULT_INTERVAL_MS;
  const started = options.startedAt ?? now();
  let lastLine = started;
  let count = 0;
  let fraction: number | undefined;
  let finished = false;
  const write = (at: number, last: boolean) =>
    stream.write(`${progressLine({ label: options.label, unit: options.unit, total: options.total, count, fraction, elapsedMs: at - started, finished: last })}\n`);
  return {
    update(done, doneFraction) {
      count = done;
      fraction = doneFraction;
      const at = now();
      // All done: the last line, from finish(), follows.
      const complete = options.total !== undefined ? done >= options.total : doneFraction === 1;
      if (at - lastLine >= interval && !complete) {
        lastLine = at;
        write(at, false);
      }
    },
    finish() {
      if (finished) return;
      finished = true;
      write(now(), true);
    },
    stop() {
      finished = true;
    },
  };
}

/** Bar steps when only a fraction is known (bytes read of a file). */
const FRACTION_STEPS = 1000;

function barProgress(options: ProgressOptions, stream: ProgressStream): Progress {
  const now = options.now ?? (() => performance.now());
  const started = options.startedAt ?? now();
  const counted = options.total !== undefined ? `{value}/{total} ${options.unit}` : `{count} ${options.unit}`;
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} [{bar}] {percentage}% | ${counted} | {rate}/s | ETA {eta_formatted}`,
      stream: stream as NodeJS.WritableStream,
      barsize: 30,
      etaBuffer: 50,
      hideCursor: false,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let finished = false;
  bar.start(options.total ?? FRACTION_STEPS, 0, { count: 0, rate: 0 });
  return {
    update(count, fraction) {
      const seconds = (now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(count / seconds) : 0;
      const value = options.total !== undefined ? count : Math.round((fraction ?? 0) * FRACTION_STEPS);
      bar.update(value, { count, rate });
    },
    finish() {
      if (finished) return;
      finished = true;
      if (options.total === undefined) bar.update(FRACTION_STEPS);
      bar.stop();
    },
    stop() {
      if (finished) return;
      finished = true;
      bar.stop();
    },
  };
}

/**
 * Work without counts (schema apply: its steps report nothing on the way): a line every
 * interval saying it is still at it, or an elapsed-time counter on a terminal.
 */
export function createActivity(options: Omit<ProgressOptions, 'unit' | 'total'> & { readonly doing: string }): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const interval = stream.isTTY ? 1000 : (options.intervalMs ?? intervalFromEnvironment() ?? DEFAULT_INTERVAL_MS);
  const line = () => `${options.label}: ${options.doing}, ${formatDuration((now() - started) / 1000)} so far`;
  let shown = false;
  const timer = setInterval(() => {
    shown = true;
    stream.write(stream.isTTY ? `\r${line()}\u001b[K` : `${line()}\n`);
  }, interval);
  timer.unref();
  let finished = false;
  const end = () => {
    if (finished) return;
    finished = true;
    clearInterval(timer);
    // On a terminal the counter line is ended; elsewhere every line already is.
    if (shown && stream.isTTY) stream.write('\n');
  };
  return { update() {}, finish: end, stop: end };
}
