/** Fuzzing the NXT surfaces: data, metadata, users, events, people (every operation served under their prefixes). */
import { isNxtPath } from '../helpers/spec-validator.js';
import { fuzzSurface } from './surface.js';

fuzzSurface('NXT data and metadata', {
  includes: (op) => isNxtPath(op.template),
  ciRuns: 200,
});
