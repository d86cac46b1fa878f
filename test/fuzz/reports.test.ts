/** Fuzzing the reports: running (built-in, saved, ad hoc), saving, listing, deleting. */
import { fuzzSurface } from './surface.js';

fuzzSurface('reports', {
  includes: (op) => /^\/v1\/reports(\/|$)/.test(op.template),
  ciRuns: 120,
});
