/**
 * Request bodies: JSON only, UTF-8 only, parsed with prototype-poisoning protection.
 *
 * - Only `application/json` (and `application/merge-patch+json` on PATCH) is parsed; anything
 *   else, or a body without Content-Type, is 415.
 * - A charset other than UTF-8 is 415, and bytes that are not valid UTF-8 are 400: decoding them
 *   would silently turn them into U+FFFD and store something the client never sent.
 * - An empty body is "no body", not a parse error: GET and DELETE requests from clients that
 *   always send `Content-Type: application/json` must work; writes then get "body required".
 * - `__proto__` and `constructor.prototype` keys are refused (secure-json-parse).
 * - Objects and arrays nested more than MAX_BODY_DEPTH deep are 400, before parsing.
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { errors } from '../domain/errors.js';
import { MAX_BODY_DEPTH, nestsDeeperThan } from './json-depth.js';

export const MERGE_PATCH = 'application/merge-patch+json';

function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
}

export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  for (const type of ['application/json', MERGE_PATCH]) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (request, body, done) => {
      const bytes = body as Buffer;
      const charset = charsetOf(request.headers['content-type']);
      if (type === MERGE_PATCH && request.method !== 'PATCH') return done(errors.unsupportedMediaType(MERGE_PATCH), undefined);
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        return done(errors.unsupportedMediaType(request.headers['content-type']), undefined);
      }
      if (bytes.length === 0) return done(null, undefined);
      if (!isUtf8(bytes)) return done(errors.badRequest('Request body is not valid UTF-8'), undefined);
      const text = bytes.toString('utf8');
      if (nestsDeeperThan(text, MAX_BODY_DEPTH)) {
        return done(errors.badRequest(`Request body nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep`), undefined);
      }
      try {
        done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
      } catch (error) {
        const message = (error as Error).message;
        done(
          /forbidden prototype/.test(message)
            ? errors.badRequest('Request body contains a forbidden key (__proto__ or constructor.prototype)')
            : errors.badRequest(`Malformed JSON in request body: ${message}`),
          undefined,
        );
      }
    });
  }
}
