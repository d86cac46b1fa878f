/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for the metrics
 * suites: every line must be a HELP, a TYPE or a sample of a metric whose TYPE came first, or the
 * parse fails naming the line. Samples are kept with their labels for the assertions.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

function parseLabels(text: string, lineNumber: number): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text);
    if (!match) throw new Error(`line ${lineNumber}: malformed labels {${text}}`);
    labels[match[1]!] = match[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  }
  return labels;
}

// Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client
// writes `Nan` for the event loop lag before its first sample).
function parseValue(text: string, lineNumber: number): number {
  const word = text.toLowerCase();
  if (word === '+inf' || word === 'inf') return Infinity;
  if (word === '-inf') return -Infinity;
  if (word === 'nan') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`line ${lineNumber}: not a number: ${text}`);
  return value;
}

export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('the exposition does not end with a newline');
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (line === '' || HELP_LINE.test(line)) return;
    const type = TYPE_LINE.exec(line);
    if (type) {
      if (types.has(type[1]!)) throw new Error(`line ${lineNumber}: a second TYPE for ${type[1]}`);
      types.set(type[1]!, type[2]!);
      return;
    }
    const sample = SAMPLE_LINE.exec(line);
    if (!sample) throw new Error(`line ${lineNumber}: not a HELP, TYPE or sample line: ${line}`);
    const name = sample[1]!;
    const family = types.has(name) ? name : SUFFIXES.map((suffix) => (name.endsWith(suffix) ? name.slice(0, -suffix.length) : '')).find((base) => types.has(base));
    if (family === undefined) throw new Error(`line ${lineNumber}: sample of ${name} before its TYPE`);
    samples.push({ name, labels: parseLabels(sample[2] ?? '', lineNumber), value: parseValue(sample[3]!, lineNumber) });
  });
  return { types, samples };
}

/** The value of the one sample of `name` whose labels include `labels` (0 when there is none). */
export function sampleValue(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  const matching = exposition.samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (matching.length > 1) throw new Error(`${matching.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matching[0]?.value ?? 0;
}
