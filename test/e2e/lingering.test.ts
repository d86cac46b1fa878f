/**
 * An over-limit body reaches its client as the 413 envelope, every time (nginx's lingering close):
 * against the real server, 5 MB and 50 MB bodies, 50 times each over fresh connections, from a
 * client that sends the whole request before it reads the answer (as most SDKs do; before the
 * lingering close every such client saw EPIPE instead of the answer) and from node:http. Nothing
 * is written. In-process: the lingering is bounded in time and in bytes.
 */
import net from 'node:net';
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKeyService } from '../../src/domain/access-keys.js';
import { buildApp } from '../../src/server/app.js';
import { openStore } from '../../src/store/store.js';
import { E2E_ACCESS_KEY, removeTempDirs, startServer, stopAllServers, tempSqliteUrl, type ServerProcess } from '../helpers/cli.js';

interface RawAnswer {
  /** The bytes the client read before the connection ended. */
  readonly text: string;
  /** The socket error the client saw, if any (EPIPE, ECONNRESET). */
  readonly error?: string;
  readonly ms: number;
}

const HEAD = (port: number, length: number | 'chunked', key: string | null) =>
  `POST /v1/companies HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
  (key === null ? '' : `accessKey: ${key}\r\n`) +
  `Content-Type: application/json\r\n` +
  (length === 'chunked' ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${length}\r\n`) +
  `\r\n`;

/**
 * Sends the request whole over a fresh connection, reading nothing until the last byte is
 * written (or the write failed), then reads to the end.
 */
function sendThenRead(port: number, body: Buffer, options: { chunked?: boolean; key?: string | null } = {}): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.pause();
    let text = '';
    let error: string | undefined;
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    const done = () => resolve({ text, error, ms: Date.now() - started });
    socket.on('close', done);
    const startReading = () => {
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        // A whole answer read (a kept-alive connection stays open after it): done.
        if (isWholeAnswer(text)) socket.destroy();
      });
      socket.resume();
    };
    socket.write(HEAD(port, options.chunked ? 'chunked' : body.length, options.key === undefined ? E2E_ACCESS_KEY : options.key));
    const payload = options.chunked ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]) : body;
    socket.write(payload, startReading);
  });
}

function isWholeAnswer(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
  return end > 0 && length !== undefined && Buffer.byteLength(text.slice(end + 4), 'latin1') >= Number(length);
}

/** node:http's client: reads while it writes. */
function viaNodeHttp(port: number, body: Buffer): Promise<{ status?: number; text: string; error?: string }> {
  return new Promise((resolve) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/companies',
        agent: false,
        headers: { accesskey: E2E_ACCESS_KEY, 'content-type': 'application/json', 'content-length': body.length },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode, text }));
        response.on('error', (e: NodeJS.ErrnoException) => resolve({ status: response.statusCode, text, error: e.code }));
      },
    );
    request.on('error', (e: NodeJS.ErrnoException) => resolve({ text: '', error: e.code }));
    request.end(body);
  });
}

/** The status line and the JSON body of a raw HTTP/1.1 answer. */
function parseAnswer(text: string): { status: number; headers: string; body: any } {
  const end = text.indexOf('\r\n\r\n');
  expect(end, `a whole answer, got ${JSON.stringify(text.slice(0, 200))}`).toBeGreaterThan(0);
  const headers = text.slice(0, end);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1]), headers, body: JSON.parse(text.slice(end + 4)) };
}

function expectTooLarge(answer: RawAnswer): void {
  const { status, body } = parseAnswer(answer.text);
  expect(status).toBe(413);
  expect(body).toEqual({ result: false, errorCode: 'GSAPI_4130', errorDesc: 'Request body is larger than the limit of 1048576 bytes', requestId: expect.any(String) });
}

/** A JSON body of `size` bytes: valid JSON, so only its size is wrong. */
function bodyOf(size: number): Buffer {
  const body = Buffer.alloc(size, 0x20);
  body.write('{"Name":"x"}', 0);
  return body;
}

describe('lingering close of over-limit bodies (real server)', () => {
  let server: ServerProcess;
  const companies = async () =>
    ((await (await fetch(`${server.url}/v1/companies?pageSize=1`, { headers: { accesskey: E2E_ACCESS_KEY } })).json()) as { data: { totalCount: number } }).data.totalCount;

  beforeAll(async () => {
    server = await startServer({ env: { GS_ACCESS_KEY: E2E_ACCESS_KEY, DATABASE_URL: tempSqliteUrl() } });
  });
  afterAll(async () => {
    await stopAllServers();
    removeTempDirs();
  });

  it.each([
    ['5 MB', 5_000_000],
    ['50 MB', 50_000_000],
  ])('a %s body, 50 times over fresh connections, sent whole before reading: the 413 envelope every time, nothing written', async (_label, size) => {
    const before = await companies();
    const body = bodyOf(size);
    const failures: string[] = [];
    for (let i = 0; i < 50; i++) {
      const answer = await sendThenRead(server.port, body);
      if (!answer.text.startsWith('HTTP/1.1 413')) failures.push(`run ${i}: ${answer.error ?? 'no error'}, read ${JSON.stringify(answer.text.slice(0, 40))}`);
      else expectTooLarge(answer);
    }
    expect(failures).toEqual([]);
    expect(await companies()).toBe(before);
  }, 240_000);

  it('a 5 MB body through node:http, 20 times: the 413 envelope every time', async () => {
    const before = await companies();
    const body = bodyOf(5_000_000);
    for (let i = 0; i < 20; i++) {
      const answer = await viaNodeHttp(server.port, body);
      expect(answer.error).toBeUndefined();
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text).errorCode).toBe('GSAPI_4130');
    }
    expect(await companies()).toBe(before);
  }, 120_000);

  it('a 5 MB chunked body (no Content-Length: refused once 1 MiB is read), 20 times: the 413 envelope every time', async () => {
    const before = await companies();
    const body = bodyOf(5_000_000);
    for (let i = 0; i < 20; i++) expectTooLarge(await sendThenRead(server.port, body, { chunked: true }));
    expect(await companies()).toBe(before);
  }, 120_000);

  it('a 5 MB body without a key, 20 times: the 401 envelope every time (answered before the body is read)', async () => {
    const body = bodyOf(5_000_000);
    for (let i = 0; i < 20; i++) {
      const answer = await sendThenRead(server.port, body, { key: null });
      expect(answer.text.startsWith('HTTP/1.1 401'), `${answer.error}: ${answer.text.slice(0, 40)}`).toBe(true);
      expect(parseAnswer(answer.text).body.errorCode).toBe('GS_APIG_2401');
    }
  }, 120_000);
});

describe('lingering is bounded (in-process server, short bounds)', () => {
  const sockets: net.Socket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.destroy();
  });

  async function serverWith(linger: { maxMs: number; maxBytes: number }) {
    const store = await openStore({ url: 'sqlite::memory:' });
    await store.migrate();
    const app = await buildApp({ store, accessKeys: createAccessKeyService(store.keys, { bootstrapKey: E2E_ACCESS_KEY }), limits: { linger } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as net.AddressInfo).port;
    return { port, close: async () => (await app.close(), await store.close()) };
  }

  /** Declares a huge body and keeps sending it; resolves with what it read when the server closes. */
  function endlessSender(port: number, chunkBytes: number, everyMs: number): Promise<{ text: string; ms: number }> {
    const started = Date.now();
    return new Promise((resolve) => {
      // Half-open: it goes on sending after the server has ended its side, as a client that
      // ignores the answer would.
      const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      sockets.push(socket);
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ text, ms: Date.now() - started });
      });
      socket.write(HEAD(port, 1_000_000_000, E2E_ACCESS_KEY));
      const chunk = Buffer.alloc(chunkBytes, 0x20);
      const timer = setInterval(() => {
        if (!socket.destroyed && socket.writableLength < 4 * chunkBytes) socket.write(chunk);
      }, everyMs);
    });
  }

  it('closes a connection whose client keeps sending slowly once the time bound passes', async () => {
    const server = await serverWith({ maxMs: 1_000, maxBytes: 1024 * 1024 * 1024 });
    try {
      const answer = await endlessSender(server.port, 1024, 20);
      expect(parseAnswer(answer.text).status).toBe(413);
      expect(answer.ms).toBeGreaterThanOrEqual(900);
      expect(answer.ms).toBeLessThan(15_000);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('closes a connection whose client keeps sending fast once the byte bound is passed, well before the time bound', async () => {
    const server = await serverWith({ maxMs: 60_000, maxBytes: 4 * 1024 * 1024 });
    try {
      const answer = await endlessSender(server.port, 256 * 1024, 1);
      expect(parseAnswer(answer.text).status).toBe(413);
      expect(answer.ms).toBeLessThan(30_000);
    } finally {
      await server.close();
    }
  }, 40_000);
});
