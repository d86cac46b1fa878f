/** Fuzzing the seed surface: companies and people (every operation served under them). */
import { fuzzSurface } from './surface.js';

fuzzSurface('seed companies and people', {
  includes: (op) => /^\/v1\/(companies|people)(\/|$)/.test(op.template),
  ciRuns: 150,
});
