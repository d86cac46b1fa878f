// The layers of bench/http.ts --layers: servers that answer each recorded request with the real
// server's bytes, headers included (all but those Node writes itself: Date, Connection,
// Keep-Alive, Content-Length), each adding one layer of what the real server runs:
//
//   node     node:http alone;
//   fastify  Fastify (the server's framework) with one route and no hooks;
//   hooks    the same, with empty async hooks: ON_REQUEST onRequest hooks, ON_SEND onSend hooks
//            and ON_RESPONSE onResponse hooks.
//
//   node bench/layer-servers.mjs <responses.json> <port> <kind> [ON_REQUEST ON_SEND ON_RESPONSE]
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [file, port, kind, ...hookCounts] = process.argv.slice(2);
const answers = new Map(
  JSON.parse(readFileSync(file, 'utf8')).map((answer) => {
    const body = Buffer.from(answer.body);
    // node:http is given its Content-Length with the rest; Fastify computes its own.
    return [answer.path, { headers: answer.headers, withLength: { ...answer.headers, 'content-length': body.length }, body }];
  }),
);

let listening;
if (kind === 'node') {
  const server = createServer((request, response) => {
    const answer = answers.get(request.url);
    if (!answer) return void response.writeHead(404).end();
    response.writeHead(200, answer.withLength);
    response.end(answer.body);
  });
  // The server's keep-alive timeout (72 s), so every layer sends the same Keep-Alive header.
  server.keepAliveTimeout = 72_000;
  listening = new Promise((resolve) => server.listen(Number(port), '127.0.0.1', resolve));
} else if (kind === 'fastify' || kind === 'hooks') {
  const app = Fastify({ logger: false, keepAliveTimeout: 72_000 });
  if (kind === 'hooks') {
    ['onRequest', 'onSend', 'onResponse'].forEach((stage, i) => {
      for (let n = 0; n < Number(hookCounts[i] ?? 0); n++) app.addHook(stage, async () => {});
    });
  }
  app.get('/*', async (request, reply) => {
    const answer = answers.get(request.url);
    if (!answer) return reply.code(404).send();
    return reply.headers(answer.headers).send(answer.body);
  });
  listening = app.listen({ port: Number(port), host: '127.0.0.1' });
} else {
  throw new Error(`unknown kind ${kind}: node, fastify or hooks`);
}
await listening;
process.on('SIGTERM', () => process.exit(0));
