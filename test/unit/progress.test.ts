/**
 * Progress where no terminal shows it (a pipe, a file, a CI log): plain newline-terminated lines
 * every interval and one at the end, never `\r`; with an injected clock and stream.
 */
import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, progressLine } from '../../src/cli/progress.js';

function capture(isTTY = false) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

describe('progress lines (not a TTY)', () => {
  it('writes one line per interval, newline-terminated, with count, percent, rate and ETA', () => {
    const stream = capture();
    let clock = 1_000;
    const progress = createProgress({ label: 'seed', unit: 'companies', total: 500_000, stream, intervalMs: 5_000, now: () => clock });
    // Updates within the interval write nothing.
    for (let done = 10_000; done <= 40_000; done += 10_000) {
      clock += 1_000;
      progress.update(done);
    }
    expect(stream.chunks).toEqual([]);
    clock += 1_000; // 5 s after the start
    progress.update(50_000);
    expect(stream.chunks).toEqual(['seed: 50000/500000 companies (10%), 10000/s, ETA 45 s\n']);
    clock += 4_000;
    progress.update(90_000);
    expect(stream.chunks).toHaveLength(1);
    clock += 1_000; // 5 s after the last line
    progress.update(100_000);
    expect(stream.chunks[1]).toBe('seed: 100000/500000 companies (20%), 10000/s, ETA 40 s\n');
    clock += 40_000;
    progress.update(500_000);
    progress.finish();
    progress.finish();
    // The last update came within the interval: only finish() writes, with the whole run's time.
    expect(stream.chunks).toHaveLength(3);
    expect(stream.chunks[2]).toBe('seed: 500000/500000 companies (100%), 10000/s, done in 50 s\n');
    expect(stream.text()).not.toContain('\r');
    expect(stream.chunks.every((chunk) => chunk.endsWith('\n') && chunk.indexOf('\n') === chunk.length - 1)).toBe(true);
  });

  it('takes the fraction done from elsewhere when the total is not in the counted unit (bytes of a file)', () => {
    const stream = capture();
    let clock = 0;
    const progress = createProgress({ label: 'import', unit: 'rows', stream, intervalMs: 2_000, now: () => clock });
    clock = 2_000;
    progress.update(30_000, 0.25);
    expect(stream.chunks).toEqual(['import: 30000 rows (25%), 15000/s, ETA 6.0 s\n']);
  });

  it('says neither percent nor ETA when nothing tells how much is left', () => {
    expect(progressLine({ label: 'export', unit: 'rows', count: 1200, elapsedMs: 3_000 })).toBe('export: 1200 rows, 400/s');
  });

  it('stop() after a failure writes no last line', () => {
    const stream = capture();
    const progress = createProgress({ label: 'seed', unit: 'people', total: 10, stream, now: () => 0 });
    progress.update(3);
    progress.stop();
    progress.finish();
    expect(stream.chunks).toEqual([]);
  });

  it('an empty total is complete, not a division by zero', () => {
    expect(progressLine({ label: 'export', unit: 'users', count: 0, total: 0, elapsedMs: 10, finished: true })).toBe('export: 0/0 users (100%), 0/s, done in 0.0 s');
  });

  it('durations read as a person would say them', () => {
    expect(formatDuration(0.04)).toBe('0.0 s');
    expect(formatDuration(9.96)).toBe('10.0 s');
    expect(formatDuration(21.4)).toBe('21 s');
    expect(formatDuration(240)).toBe('4 min');
    expect(formatDuration(9_000)).toBe('2.5 h');
    expect(formatDuration(Infinity)).toBe('?');
  });
});

describe('progress on a TTY', () => {
  it('draws a bar in place (cursor moves, no newline per update)', () => {
    const stream = Object.assign(capture(true), { columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    const progress = createProgress({ label: 'export', unit: 'companies', total: 100, stream, now: () => 0 });
    progress.update(50);
    progress.update(100);
    progress.finish();
    const text = stream.text();
    expect(text).toContain('export [');
    expect(text).toContain('100/100 companies');
    expect(text.split('\n').filter((line) => line !== '').length).toBeLessThanOrEqual(1);
  });
});
