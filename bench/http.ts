/**
 * Request rate of the real server against a bare node:http server that sends the same bytes,
 * in the same run, on the same machine: the ratio is what the project's goal is stated in
 * (README, Performance: GET by id at half the bare rate, a page of 25 at a third). The server and the baseline each
 * run pinned to CPU 0, wrk to CPU 1.
 *
 *   npm run build && npm run bench:http -- --duration 10 --rounds 3
 *
 * Needs `wrk` and `taskset` (Debian: apt-get install wrk util-linux).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '32' } } });
const KEY = 'bench-http-key-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'gs-bench-'));

async function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) resolve(match[0]);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

function wrk(url: string): number {
  const output = execFileSync('taskset', ['-c', '1', 'wrk', '-t1', `-c${values.connections}`, `-d${values.duration}s`, '-H', `accessKey: ${KEY}`, url], { encoding: 'utf8' });
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (!rate || /Non-2xx/.test(output)) throw new Error(`wrk failed:\n${output}`);
  return Number(rate[1]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const server = spawn('taskset', ['-c', '0', process.execPath, 'dist/cli/main.js', 'serve', '--port', '18181', '--demo', '--db', `sqlite:${join(dir, 'bench.db')}`], {
  env: { ...process.env, GS_ACCESS_KEY: KEY, LOG_LEVEL: 'info' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let bare: ChildProcess | undefined;
try {
  await waitForLine(server, /gainsight-api listening/);
  server.stdout!.resume();
  const base = 'http://127.0.0.1:18181';
  const list = (await (await fetch(`${base}/v1/companies?pageSize=25`, { headers: { accessKey: KEY } })).json()) as { data: { records: { Gsid: string }[] } };
  const id = list.data.records[0]!.Gsid;
  const paths = { 'GET by id': `/v1/companies/${id}`, 'page of 25': '/v1/companies?pageSize=25' };
  const recorded = [];
  for (const path of Object.values(paths)) {
    const response = await fetch(base + path, { headers: { accessKey: KEY } });
    recorded.push({ path, type: response.headers.get('content-type'), body: await response.text() });
  }
  writeFileSync(join(dir, 'responses.json'), JSON.stringify(recorded));
  bare = spawn('taskset', ['-c', '0', process.execPath, 'bench/bare-server.mjs', join(dir, 'responses.json'), '18182'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await waitForLine(bare, /ready/);

  console.log(`\nwrk -t1 -c${values.connections} -d${values.duration}s, ${values.rounds} alternating rounds, medians (requests/s)\n`);
  console.log('| request | server | bare node:http | ratio |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, path] of Object.entries(paths)) {
    const ours: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      ours.push(wrk(base + path));
      baseline.push(wrk(`http://127.0.0.1:18182${path}`));
    }
    console.log(`| ${name} | ${median(ours).toFixed(0)} | ${median(baseline).toFixed(0)} | ${(median(ours) / median(baseline)).toFixed(2)} |`);
  }
} finally {
  server.kill('SIGTERM');
  bare?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
