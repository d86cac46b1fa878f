/**
 * What `npm run bench` (bench/run.ts) writes, as pure functions of its measurements: the JSON
 * document (every scenario with its value, baseline, ratio, target and whether it is met), the
 * Markdown table the README pastes, and the SVG chart of page latency rendered to PNG.
 */

/** A goal: the measured value (or its ratio to the baseline) compared with a number. */
export interface Target {
  on: 'value' | 'ratio';
  compare: '>=' | '<=' | '<';
  value: number;
}

export interface Scenario {
  /** Stable key, e.g. `get-by-id`, `page-latency-companies-last`. */
  id: string;
  /** What was measured, for people: `GET /v1/companies/{id}`. */
  name: string;
  /** The data set it ran on. */
  companies: number;
  people: number;
  value: number;
  unit: string;
  /** The same measured in the same run without the server's work (the bare server), or at the smallest size. */
  baseline?: number;
  /** What the baseline is, e.g. `bare node:http`. */
  baselineName?: string;
  ratio?: number;
  target?: Target;
  /** Whether the target is met; absent when the scenario has no target at this size. */
  met?: boolean;
  /** Every sample the value is the median of (requests/s of each round, ms of each run...). */
  samples?: number[];
  note?: string;
}

/** p50 of single requests for one page of one object at one data size (what the chart shows). */
export interface PageLatency {
  object: 'companies' | 'people';
  page: 'first' | 'last';
  companies: number;
  people: number;
  p50Ms: number;
}

export interface BenchResult {
  date: string;
  backend: 'sqlite' | 'postgres';
  smoke: boolean;
  machine: { cpus: number; cpuModel: string; node: string; platform: string; commit: string; uncommittedChanges: boolean; postgres?: string };
  options: Record<string, unknown>;
  /** Seconds the CLI took to seed each size, or `reused` for a database seeded before the run. */
  seeds: { companies: number; people: number; seconds?: number; reused?: boolean }[];
  scenarios: Scenario[];
  pageLatency: PageLatency[];
  /** Groups of scenarios that failed to run (the rest of the run went on). */
  errors: { group: string; companies: number; people: number; message: string }[];
}

/** The ratio to compare, or the value; then the comparison. */
export function judge(scenario: Pick<Scenario, 'value' | 'ratio' | 'target'>): boolean | undefined {
  const { target } = scenario;
  if (!target) return undefined;
  const measured = target.on === 'ratio' ? scenario.ratio : scenario.value;
  if (measured === undefined || !Number.isFinite(measured)) return false;
  if (target.compare === '>=') return measured >= target.value;
  if (target.compare === '<=') return measured <= target.value;
  return measured < target.value;
}

/** A scenario with its ratio (value / baseline) and whether its target is met filled in. */
export function scenario(s: Omit<Scenario, 'ratio' | 'met'>): Scenario {
  const ratio = s.baseline === undefined ? undefined : s.value / s.baseline;
  const withRatio = ratio === undefined ? { ...s } : { ...s, ratio };
  const met = judge(withRatio);
  return met === undefined ? withRatio : { ...withRatio, met };
}

/** 10000 → 10k, 1000000 → 1M, 3000000 → 3M, 2500 → 2.5k, 200 → 200. */
export function count(n: number): string {
  const short = (x: number, unit: string) => `${Number.isInteger(x) ? x : Number(x.toFixed(1))}${unit}`;
  if (n >= 1e6) return short(n / 1e6, 'M');
  if (n >= 1e3) return short(n / 1e3, 'k');
  return String(n);
}

/** A measurement in its unit, with the digits that mean something at that size. */
export function quantity(value: number, unit: string): string {
  const digits = unit === 'req/s' || unit === 'MB' || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

function targetText({ target, unit }: Scenario): string {
  if (!target) return '';
  const compare = target.compare === '>=' ? '≥' : target.compare === '<=' ? '≤' : '<';
  return target.on === 'ratio' ? `ratio ${compare} ${target.value}` : `${compare} ${quantity(target.value, unit)}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The Markdown the README pastes: a line saying where and how, then one row per scenario. */
export function markdown(result: BenchResult): string {
  const { machine } = result;
  const backend = result.backend === 'sqlite' ? 'SQLite' : `PostgreSQL${machine.postgres ? ` ${machine.postgres}` : ''}`;
  const lines = [
    `### ${result.date}, ${backend}${result.smoke ? ' (smoke run: tiny data, targets do not apply)' : ''}`,
    '',
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, commit ${machine.commit.slice(0, 10)}` +
      `${machine.uncommittedChanges ? ' (with uncommitted changes)' : ''}. ` +
      `Seeded with the CLI: ${result.seeds.map((s) => `${count(s.companies)} companies / ${count(s.people)} people${s.seconds === undefined ? ' (seeded before the run)' : ` in ${s.seconds.toFixed(0)} s`}`).join(', ')}.`,
    '',
    '| Scenario | Data (companies / people) | Measured | Baseline | Ratio | Target | Met |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const s of result.scenarios) {
    const baseline = s.baseline === undefined ? '' : `${quantity(s.baseline, s.unit)}${s.baselineName ? ` (${s.baselineName})` : ''}`;
    const met = s.met === undefined ? '' : s.met ? 'yes' : '**no**';
    lines.push(
      `| ${cell(s.name)}${s.note ? ` (${cell(s.note)})` : ''} | ${count(s.companies)} / ${count(s.people)} | ${quantity(s.value, s.unit)} | ` +
        `${cell(baseline)} | ${s.ratio === undefined ? '' : s.ratio.toFixed(2)} | ${targetText(s)} | ${met} |`,
    );
  }
  for (const e of result.errors) {
    lines.push(`| ${cell(e.group)}: **failed to run** (${cell(e.message.split('\n')[0]!)}) | ${count(e.companies)} / ${count(e.people)} |  |  |  |  |  |`);
  }
  return `${lines.join('\n')}\n`;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A grouped bar chart: one group per object and page position (companies first/last page, people
 * first/last page), one bar per data size, the height the p50 latency in ms, labelled.
 */
export function latencyChartSvg(result: Pick<BenchResult, 'backend' | 'date' | 'pageLatency'>): string {
  const width = 760;
  const height = 420;
  const plot = { left: 70, right: 20, top: 60, bottom: 80 };
  const sizes = [...new Set(result.pageLatency.map((p) => p.companies))].sort((a, b) => a - b);
  const groups = (['companies', 'people'] as const).flatMap((object) => (['first', 'last'] as const).map((page) => ({ object, page })));
  const colours = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2'];
  const max = Math.max(1, ...result.pageLatency.map((p) => p.p50Ms));
  // A round top for the axis: 1, 2 or 5 times a power of ten, at or above the largest bar.
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const top = [1, 2, 5, 10].map((m) => m * magnitude).find((t) => t >= max)!;
  const plotHeight = height - plot.top - plot.bottom;
  const plotWidth = width - plot.left - plot.right;
  const y = (ms: number) => plot.top + plotHeight - (ms / top) * plotHeight;
  const groupWidth = plotWidth / groups.length;
  const barWidth = Math.min(60, (groupWidth * 0.7) / Math.max(1, sizes.length));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">` +
      `${escapeXml(`Page latency, p50 of single requests (pageSize=25), ${result.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`)}</text>`,
    `<text x="${width / 2}" y="44" text-anchor="middle" fill="#555">${escapeXml(`${result.date}; bars: data size (companies / people)`)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const ms = (top * i) / 5;
    out.push(
      `<line x1="${plot.left}" x2="${width - plot.right}" y1="${y(ms)}" y2="${y(ms)}" stroke="#ddd"/>`,
      `<text x="${plot.left - 6}" y="${y(ms) + 4}" text-anchor="end" fill="#333">${Number(ms.toPrecision(3))}</text>`,
    );
  }
  out.push(`<text transform="translate(18 ${plot.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#333">p50 latency (ms)</text>`);
  for (const [g, { object, page }] of groups.entries()) {
    const left = plot.left + g * groupWidth + (groupWidth - barWidth * sizes.length) / 2;
    for (const [i, size] of sizes.entries()) {
      const point = result.pageLatency.find((p) => p.object === object && p.page === page && p.companies === size);
      if (!point) continue;
      const x = left + i * barWidth;
      out.push(
        `<rect x="${x + 2}" y="${y(point.p50Ms)}" width="${barWidth - 4}" height="${plot.top + plotHeight - y(point.p50Ms)}" fill="${colours[i % colours.length]}"/>`,
        `<text x="${x + barWidth / 2}" y="${y(point.p50Ms) - 4}" text-anchor="middle" font-size="11">${point.p50Ms.toFixed(point.p50Ms >= 10 ? 1 : 2)}</text>`,
      );
    }
    out.push(
      `<text x="${plot.left + g * groupWidth + groupWidth / 2}" y="${plot.top + plotHeight + 18}" text-anchor="middle">/v1/${object}</text>`,
      `<text x="${plot.left + g * groupWidth + groupWidth / 2}" y="${plot.top + plotHeight + 34}" text-anchor="middle" fill="#555">${page} page</text>`,
    );
  }
  out.push(`<line x1="${plot.left}" x2="${width - plot.right}" y1="${plot.top + plotHeight}" y2="${plot.top + plotHeight}" stroke="#333"/>`);
  const legendWidth = 250;
  for (const [i, size] of sizes.entries()) {
    const people = result.pageLatency.find((p) => p.companies === size)!.people;
    const x = width / 2 - (legendWidth * sizes.length) / 2 + i * legendWidth;
    out.push(
      `<rect x="${x}" y="${height - 26}" width="14" height="14" fill="${colours[i % colours.length]}"/>`,
      `<text x="${x + 20}" y="${height - 14}">${escapeXml(`${count(size)} companies / ${count(people)} people`)}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
