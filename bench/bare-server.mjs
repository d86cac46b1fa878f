// The baseline of bench/http.ts: a bare node:http server answering every request with the exact
// bytes (status, content type, body) recorded from the real server.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const responses = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byPath = new Map(responses.map((r) => [r.path, { body: Buffer.from(r.body), type: r.type }]));
const REQUEST_ID = '00000000-0000-4000-8000-000000000000';
const server = createServer((request, response) => {
  const hit = byPath.get(request.url);
  if (!hit) {
    response.writeHead(404).end();
    return;
  }
  // Headers as the server's: a request id of a UUID's length (the server sends a fresh one).
  response.writeHead(200, { 'content-type': hit.type, 'content-length': hit.body.length, 'x-request-id': REQUEST_ID });
  response.end(hit.body);
});
// The server's keep-alive timeout (Fastify's default, 72 s), so both send the same Keep-Alive header.
server.keepAliveTimeout = 72_000;
server.listen(Number(process.argv[3]), '127.0.0.1', () => process.stdout.write('ready\n'));
