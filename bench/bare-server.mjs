// The baseline of bench/http.ts: a bare node:http server answering every request with the exact
// bytes (status, content type, body) recorded from the real server.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const responses = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byPath = new Map(responses.map((r) => [r.path, { body: Buffer.from(r.body), type: r.type }]));
const server = createServer((request, response) => {
  const hit = byPath.get(request.url);
  if (!hit) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': hit.type, 'content-length': hit.body.length, 'x-request-id': 'baseline' });
  response.end(hit.body);
});
server.listen(Number(process.argv[3]), '127.0.0.1', () => process.stdout.write('ready\n'));
