/**
 * Fuzzing every other served operation (health, the OpenAPI document, and any route added later
 * outside the seed, NXT and report surfaces), mixed with paths no route serves.
 */
import { isNxtPath } from '../helpers/spec-validator.js';
import { unknownPathRequest } from './operations.js';
import { fuzzSurface } from './surface.js';

fuzzSurface('other routes and unknown paths', {
  includes: (op) => !isNxtPath(op.template) && !/^\/v1\/(companies|people|reports)(\/|$)/.test(op.template),
  ciRuns: 80,
  extra: () => unknownPathRequest(),
});
