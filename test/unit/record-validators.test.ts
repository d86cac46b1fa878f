/**
 * Record validators compile on first use, so a schema Ajv refuses would only show at a request:
 * every mode of every registered object, on both surfaces, must compile and answer an ApiError
 * (never a compile error) for an empty body.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import { viewOf } from '../../src/domain/object-model.js';
import { objects } from '../../src/domain/objects/index.js';
import { compileRecordValidators, createAjv } from '../../src/domain/validation.js';

const MODES = ['create', 'replace', 'patch', 'insert'] as const;

describe('record validators of every registered object', () => {
  const ajv = createAjv();
  const cases = [...objects.values()].flatMap((object) =>
    (['seed', 'nxt'] as const).flatMap((surface) => MODES.map((mode) => [`${object.name} ${surface} ${mode}`, viewOf(object, surface), mode] as const)),
  );

  it.each(cases)('%s compiles and judges a body', (_name, view, mode) => {
    const validators = compileRecordValidators(ajv, view);
    let outcome: unknown;
    try {
      outcome = validators[mode]({});
    } catch (error) {
      outcome = error;
    }
    // Either the empty body is acceptable (patch) or it is a client error naming what is missing.
    if (outcome instanceof Error) expect(outcome).toBeInstanceOf(ApiError);
    else expect(outcome).toEqual({});
    // The same validator object keeps its compiled function: a second call gives the same answer.
    expect(() => validators[mode]({ NoSuchField: 1 })).toThrow(ApiError);
  });
});
