/**
 * Request rate of the real server against a bare node:http server that sends the same bytes,
 * in the same run, on the same machine: the ratio is what the project's goal is stated in
 * (README, Performance: GET by id at half the bare rate, a page of 25 at a third).
 *
 *   npm run build && npm run bench:http -- --duration 10 --rounds 3
 *
 * Options: --duration (seconds per wrk run, default 10), --rounds (default 3), --warmup (seconds
 * of wrk on each server before a request's rounds, not counted; default 2, 0 for none),
 * --connections (default 32), --companies and --people (the data set, default 10000 and 30000),
 * --layers (below).
 *
 * A fresh SQLite database in a temporary directory is seeded with the CLI (`seed --companies N
 * --people M --random-seed bench`), then the built server (dist/) is started on it with
 * `--log-level warn`, so that it writes nothing per request; its output goes straight to this
 * process's stderr (no pipe to fill or to read). Three requests are measured:
 *
 * - GET by id: `GET /v1/companies/{id}`, an id from the middle of the seeded companies;
 * - first page: `GET /v1/companies?pageSize=25` (page 0);
 * - last page: `GET /v1/companies?pageSize=25&pageNumber=floor((companies - 1) / 25)`.
 *
 * Each answer is recorded once from the server, and the bare server (bench/bare-server.mjs)
 * answers the same request with those bytes (checked: status 200, same body bytes); the server's
 * own answers differ from one another only in the request id. Per request: one warm-up wrk run on
 * each, then rounds alternating server and bare server; medians of the rounds. The server and
 * the bare server run pinned to CPU 0, wrk (one thread) to CPU 1.
 *
 * `--layers`: then, for the GET by id, where its time goes (measureLayers): the same answer from
 * servers that each add one layer of what the server runs (bench/layer-servers.mjs), with the CPU
 * time per request of each one's answering thread.
 *
 * Needs `wrk` and `taskset` (Debian: apt-get install wrk util-linux), 2 CPUs, and `npm run build`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './common.js';
import {
  call,
  checkHttpBenchSetup,
  cpuSplit,
  startLayerServer,
  wrkMeasured,
  SERVER_ASYNC_HOOKS,
  type Layer,
  getJson,
  seedWithCli,
  startBareServer,
  startServer,
  stop,
  wholeOption,
  wrkAlternating,
  type Answer,
  type RunningServer,
} from './lib/server.js';

const SCRIPT = 'bench/http.ts';
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    companies: { type: 'string', default: '10000' },
    people: { type: 'string', default: '30000' },
    layers: { type: 'boolean', default: false },
  },
});
const PAGE_SIZE = 25;
checkHttpBenchSetup(SCRIPT);
const companies = wholeOption(SCRIPT, 'companies', values.companies);
const rounds = wholeOption(SCRIPT, 'rounds', values.rounds);
const duration = wholeOption(SCRIPT, 'duration', values.duration);
const warmup = wholeOption(SCRIPT, 'warmup', values.warmup, 0);
const connections = wholeOption(SCRIPT, 'connections', values.connections);

const dir = mkdtempSync(join(tmpdir(), 'gs-bench-'));
const database = `sqlite:${join(dir, 'bench.db')}`;
let server: RunningServer | undefined;
let bare: Awaited<ReturnType<typeof startBareServer>> | undefined;
const layerServers: Awaited<ReturnType<typeof startLayerServer>>[] = [];
try {
  seedWithCli(database, companies, Number(values.people));
  server = await startServer(database);
  const { base } = server;

  const pageOf = (pageNumber: number) => `/v1/companies?pageSize=${PAGE_SIZE}${pageNumber ? `&pageNumber=${pageNumber}` : ''}`;
  const lastPage = Math.floor((companies - 1) / PAGE_SIZE);
  type Page = { data: { records: { Gsid: string }[]; totalCount: number } };
  const first = await getJson<Page>(base, pageOf(0));
  if (first.data.totalCount !== companies) throw new Error(`the seeded database holds ${first.data.totalCount} companies, not ${companies}`);
  const id = (await getJson<Page>(base, pageOf(Math.floor(lastPage / 2)))).data.records[0]!.Gsid;
  const requests = { 'GET by id': `/v1/companies/${id}`, 'first page of 25': pageOf(0), [`last page of 25 (page ${lastPage})`]: pageOf(lastPage) };

  const recorded: Answer[] = [];
  for (const path of Object.values(requests)) recorded.push(await call(base, 'GET', path));
  const lastRecords = (JSON.parse(recorded[2]!.bytes.toString()) as Page).data.records.length;
  if (lastRecords !== companies - lastPage * PAGE_SIZE) throw new Error(`the last page holds ${lastRecords} companies, not ${companies - lastPage * PAGE_SIZE}`);
  bare = await startBareServer(recorded, dir);

  const results = [];
  for (const [name, path] of Object.entries(requests)) {
    const { ours, baseline } = await wrkAlternating(base, bare.base, path, { warmup, rounds, seconds: duration, connections });
    results.push({ name, path, bytes: recorded.find((r) => r.path === path)!.bytes.length, ours, baseline });
  }

  console.log(
    `\n${companies} companies, ${values.people} people (SQLite); wrk -t1 -c${connections} -d${duration}s, ` +
      `${rounds} alternating rounds after a ${warmup} s warm-up of each, medians (requests/s)\n`,
  );
  console.log('| request | body | server | bare node:http | ratio |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.bytes} B | ${median(r.ours).toFixed(0)} | ${median(r.baseline).toFixed(0)} | ${(median(r.ours) / median(r.baseline)).toFixed(2)} |`,
    );
  }

  if (values.layers) await measureLayers(recorded[0]!, server, bare);
} catch (error) {
  console.error(`${SCRIPT}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await Promise.all([stop(server?.child), stop(bare?.child), ...layerServers.map((layer) => stop(layer.child))]);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * `--layers`: where the time of a GET by id goes. The same answer (bytes and headers) from
 * servers that each add one layer of what the real server runs, in rounds alternating them all:
 * requests/s and the CPU time of the answering thread per request, user and kernel apart.
 */
async function measureLayers(answer: Answer, real: RunningServer, bareServer: { child: { pid?: number }; base: string }): Promise<void> {
  const started = async (layer: Layer) => {
    const running = await startLayerServer([answer], dir, layer);
    layerServers.push(running);
    return running;
  };
  const hooks = SERVER_ASYNC_HOOKS.onRequest + SERVER_ASYNC_HOOKS.onSend + SERVER_ASYNC_HOOKS.onResponse;
  const layers = [
    { name: 'bare node:http, same body (the goal\'s baseline)', ...bareServer },
    { name: 'node:http, same body and headers', ...(await started('node')) },
    { name: 'Fastify, one route, same body and headers', ...(await started('fastify')) },
    { name: `Fastify, one route, same body and headers, ${hooks} empty async hooks`, ...(await started('hooks')) },
    { name: 'this server', ...real },
  ];
  const samples = layers.map(() => ({ rate: [] as number[], user: [] as number[], system: [] as number[] }));
  if (warmup > 0) for (const layer of layers) await wrkMeasured(layer.base + answer.path, { seconds: warmup, connections });
  for (let round = 0; round < rounds; round++) {
    // Each round starts one layer further on, so that no layer always follows the same one.
    for (let k = 0; k < layers.length; k++) {
      const i = (k + round) % layers.length;
      const layer = layers[i]!;
      const pid = layer.child.pid!;
      const stat = `/proc/${pid}/task/${pid}/stat`;
      const before = cpuSplit(stat);
      const measured = await wrkMeasured(layer.base + answer.path, { seconds: duration, connections });
      const after = cpuSplit(stat);
      samples[i]!.rate.push(measured.rate);
      samples[i]!.user.push(((after.user - before.user) * 1000) / measured.requests);
      samples[i]!.system.push(((after.system - before.system) * 1000) / measured.requests);
    }
  }
  const baseline = median(samples[0]!.rate);
  console.log(`\nGET by id (${answer.bytes.length} B), layer by layer: medians of ${rounds} rounds, each starting one layer further on; CPU of the answering thread per request\n`);
  console.log('| server | requests/s (min-max) | ratio to bare | user µs | kernel µs |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [i, layer] of layers.entries()) {
    const { rate, user, system } = samples[i]!;
    const range = `${Math.min(...rate).toFixed(0)}-${Math.max(...rate).toFixed(0)}`;
    console.log(`| ${layer.name} | ${median(rate).toFixed(0)} (${range}) | ${(median(rate) / baseline).toFixed(2)} | ${median(user).toFixed(1)} | ${median(system).toFixed(1)} |`);
  }
}
