/**
 * `GET /docs`: an interactive reference of this server's own `/openapi.json`, rendered by Swagger
 * UI (swagger-ui-dist, installed from npm) and served from node_modules by the server itself, so
 * it works offline and without a CDN. Public, like /healthz and /openapi.json.
 *
 * The page holds no inline script or style: the initializer is a file of its own
 * (`/docs/assets/init.js`), so a Content-Security-Policy of `script-src 'self'` (helmet's default)
 * lets it run. "Try it" sends the `accessKey` header: Authorize stores the key (kept across
 * reloads by persistAuthorization) and Swagger UI adds it, as the document's security scheme says.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/** The served copies of swagger-ui-dist's files, by their name under /docs/assets/. */
const VENDOR_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  // Fetched by the browser only while its developer tools are open.
  'swagger-ui.css.map': 'application/json; charset=utf-8',
  'swagger-ui-bundle.js.map': 'application/json; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Gainsight REST API (self-hosted server): reference</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="/docs/assets/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <noscript>This reference needs JavaScript. The document itself is at <a href="/openapi.json">/openapi.json</a>.</noscript>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/init.js"></script>
  </body>
</html>
`;

/**
 * Runs in the browser. The document names the default address (127.0.0.1:8080) as its server; a
 * reference served by this very server tries its calls against the server that served it, found
 * from the page's own URL (which also keeps working behind a proxy that adds a path prefix).
 */
const INITIALIZER = `'use strict';
(function () {
  var base = window.location.origin + window.location.pathname.replace(/\\/docs\\/?$/, '');
  fetch(base + '/openapi.json', { headers: { accept: 'application/json' } })
    .then(function (response) {
      if (!response.ok) throw new Error('GET /openapi.json answered ' + response.status);
      return response.json();
    })
    .then(function (spec) {
      spec.servers = [{ url: base, description: 'This server' }];
      window.ui = SwaggerUIBundle({
        spec: spec,
        dom_id: '#swagger-ui',
        deepLinking: true,
        persistAuthorization: true,
        displayOperationId: true,
        displayRequestDuration: true,
        filter: true,
        presets: [SwaggerUIBundle.presets.apis],
        layout: 'BaseLayout'
      });
    })
    .catch(function (error) {
      var message = document.createElement('p');
      message.textContent = 'The reference could not be loaded: ' + error.message;
      document.getElementById('swagger-ui').appendChild(message);
    });
})();
`;

function swaggerUiDirectory(): string {
  // Resolved at run time from this module's place (bundled or not), never from the working directory.
  const requireHere = createRequire(import.meta.url);
  return dirname(requireHere.resolve('swagger-ui-dist/package.json'));
}

export function registerDocs(app: FastifyInstance): void {
  const directory = swaggerUiDirectory();
  // Read on first request and kept: the bundle is 1.7 MB and most servers never serve it.
  const cache = new Map<string, Promise<Buffer>>();
  const vendorFile = (name: string) => {
    let content = cache.get(name);
    if (!content) {
      content = readFile(join(directory, name));
      content.catch(() => cache.delete(name));
      cache.set(name, content);
    }
    return content;
  };
  const access = { access: 'public' as const };

  app.get('/docs', { config: access }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(PAGE),
  );
  app.get('/docs/assets/init.js', { config: access }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(INITIALIZER),
  );
  for (const [name, type] of Object.entries(VENDOR_ASSETS)) {
    app.get(`/docs/assets/${name}`, { config: access }, async (_request, reply) =>
      // The files change only with the installed swagger-ui-dist, i.e. with a new release.
      reply.type(type).header('cache-control', 'public, max-age=3600').send(await vendorFile(name)),
    );
  }
}
