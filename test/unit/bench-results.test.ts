import { describe, expect, it } from 'vitest';
import { count, judge, latencyChartSvg, markdown, quantity, scenario, type BenchResult } from '../../bench/lib/results.js';

const data = { companies: 10_000, people: 30_000 };

describe('npm run bench: what it writes', () => {
  it('fills in the ratio and judges the target on the ratio or on the value', () => {
    const byId = scenario({ id: 'get-by-id', name: 'GET', ...data, value: 6000, unit: 'req/s', baseline: 15000, target: { on: 'ratio', compare: '>=', value: 0.5 } });
    expect(byId.ratio).toBeCloseTo(0.4);
    expect(byId.met).toBe(false);
    const walk = scenario({ id: 'walk', name: 'walk', ...data, value: 29.9, unit: 's', target: { on: 'value', compare: '<', value: 30 } });
    expect(walk).not.toHaveProperty('ratio');
    expect(walk.met).toBe(true);
    expect(judge({ value: 30, target: { on: 'value', compare: '<', value: 30 } })).toBe(false);
    expect(judge({ value: 2, ratio: 2, target: { on: 'ratio', compare: '<=', value: 2 } })).toBe(true);
    // No target at this size: nothing to judge, and no `met` written.
    expect(scenario({ id: 'x', name: 'x', ...data, value: 1, unit: 'ms' })).not.toHaveProperty('met');
    // A value that could not be read (NaN) does not meet its target.
    expect(judge({ value: Number.NaN, target: { on: 'value', compare: '<', value: 200 } })).toBe(false);
  });

  it('writes counts and quantities as people read them', () => {
    expect([200, 2500, 10_000, 1_000_000, 3_000_000].map(count)).toEqual(['200', '2.5k', '10k', '1M', '3M']);
    expect(quantity(5237.4, 'req/s')).toBe('5,237 req/s');
    expect(quantity(1.234, 'ms')).toBe('1.23 ms');
    expect(quantity(12.34, 's')).toBe('12.3 s');
    expect(quantity(143.6, 'MB')).toBe('144 MB');
  });

  const result: BenchResult = {
    date: '2025-01-02',
    backend: 'sqlite',
    smoke: false,
    machine: { cpus: 2, cpuModel: 'Test CPU', node: 'v20.0.0', platform: 'linux x64', commit: '0123456789abcdef', uncommittedChanges: false },
    options: {},
    seeds: [{ ...data, seconds: 3.2 }],
    scenarios: [
      scenario({ id: 'get-by-id', name: 'GET /v1/companies/{id}', ...data, value: 9000, unit: 'req/s', baseline: 15000, baselineName: 'bare node:http', note: '418 B', target: { on: 'ratio', compare: '>=', value: 0.5 } }),
      scenario({ id: 'report-a|b', name: 'report a|b', ...data, value: 12.5, unit: 'ms' }),
    ],
    pageLatency: [
      { object: 'companies', page: 'first', ...data, p50Ms: 1.5 },
      { object: 'companies', page: 'last', companies: 1_000_000, people: 3_000_000, p50Ms: 2.5 },
    ],
    errors: [],
  };

  it('writes one Markdown row a scenario, with the baseline, ratio, target and whether it is met', () => {
    const lines = markdown(result).trimEnd().split('\n');
    expect(lines[0]).toBe('### 2025-01-02, SQLite');
    expect(lines).toContain('| GET /v1/companies/{id} (418 B) | 10k / 30k | 9,000 req/s | 15,000 req/s (bare node:http) | 0.60 | ratio ≥ 0.5 | yes |');
    // A pipe in a name would split the cell: escaped.
    expect(lines.at(-1)).toBe('| report a\\|b | 10k / 30k | 12.5 ms |  |  |  |  |');
    // What failed to run is a row too, with the first line of its error.
    const failed = markdown({ ...result, errors: [{ group: 'full walk', ...data, message: 'GET /v1/companies: 500\nmore' }] });
    expect(failed.trimEnd().split('\n').at(-1)).toBe('| full walk: **failed to run** (GET /v1/companies: 500) | 10k / 30k |  |  |  |  |  |');
  });

  it('draws a bar a size in each object and page group, labelled with its p50', () => {
    const svg = latencyChartSvg(result);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('>1.50</text>');
    expect(svg).toContain('>2.50</text>');
    expect(svg).toContain('10k companies / 30k people');
    expect(svg).toContain('1M companies / 3M people');
    expect(svg.match(/<rect [^>]*fill="#(4e79a7|f28e2b)"/g)).toHaveLength(4); // 2 bars, 2 legend keys
  });
});
