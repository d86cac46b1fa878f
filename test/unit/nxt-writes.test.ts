/**
 * The pure helpers of NXT batch writes (src/domain/nxt/writes.ts): the error shape Syncari's
 * connector parses, and the `{"records": [...]}` envelope.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, errors } from '../../src/domain/errors.js';
import { MAX_BATCH_RECORDS, batchError, recordsOf } from '../../src/domain/nxt/writes.js';
import { thrown } from '../helpers/thrown.js';


describe('batchError', () => {
  it('carries every problem in data, and the first as the envelope code and text', () => {
    const first = errors.invalidValue('ARR', 'ARR is number: expected a number, got "lots"', 'lots');
    const second = errors.invalidDate('RenewalDate', '2021-02-30');
    const error = batchError([
      { index: 2, error: first },
      { index: 5, error: second },
    ]);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.message).toBe(`records[2]: ${first.message}`);
    expect(error.field).toBe('ARR');
    expect(error.invalidValue).toBe('lots');
    expect(error.data).toEqual({
      count: 0,
      records: null,
      errors: [
        {
          index: 2,
          success: false,
          errors: [{ fieldName: 'ARR', errorCode: 'GSOBJ_1008', errorMessage: first.message, invalidValue: 'lots' }],
        },
        {
          index: 5,
          success: false,
          errors: [{ fieldName: 'RenewalDate', errorCode: 'GSOBJ_1006', errorMessage: second.message, invalidValue: '2021-02-30' }],
        },
      ],
    });
  });

  it('names records[i] in the message once, even when the error already does', () => {
    const named = errors.invalidValue('records[3]', 'expected a record object, got 5', 5);
    const error = batchError([{ index: 3, error: named }]);
    expect(error.message).toBe(named.message);
    expect(error.message.match(/records\[3\]/g)).toHaveLength(1);
    expect(batchError([{ index: 1, error: errors.invalidValue('records[10]', 'x') }]).message).toMatch(/^records\[1\]: /);
  });

  it('reports no fieldName for record-level problems and errors without a field', () => {
    const recordLevel = batchError([{ index: 0, error: errors.invalidValue('records[0]', 'expected a record object, got 5', 5) }]);
    expect((recordLevel.data as any).errors[0].errors[0]).toMatchObject({ fieldName: null, invalidValue: 5 });
    const fieldless = batchError([{ index: 4, error: errors.conflict('Email a@b.c is taken') }]);
    expect(fieldless.statusCode).toBe(409);
    expect(fieldless.code).toBe('GSAPI_4090');
    expect(fieldless.message).toBe('records[4]: Email a@b.c is taken');
    expect((fieldless.data as any).errors[0].errors[0]).toEqual({
      fieldName: null,
      errorCode: 'GSAPI_4090',
      errorMessage: 'Email a@b.c is taken',
      invalidValue: null,
    });
  });

  // Suspected bug: batchError maps every field starting with `records[` to fieldName null, so
  // the key-field errors of an update (`records[0].Gsid`, `records[0].Name`, as writes.ts's
  // update raises them) lose the field they are about.
  it('names the field of a per-record field error written records[i].Field', () => {
    const badGsid = batchError([{ index: 0, error: errors.invalidGsid('records[0].Gsid', 'not-a-gsid') }]);
    expect((badGsid.data as any).errors[0].errors[0]).toMatchObject({ fieldName: 'Gsid', errorCode: 'GSOBJ_1004', invalidValue: 'not-a-gsid' });
    const missingKey = batchError([
      { index: 1, error: errors.requiredValue('records[1].Name', 'the record needs a value for the key field Name') },
    ]);
    expect((missingKey.data as any).errors[0].errors[0]).toMatchObject({ fieldName: 'Name', errorCode: 'GSOBJ_1007' });
    expect(missingKey.message).toBe('Invalid field value (records[1].Name): the record needs a value for the key field Name');
  });

  it('reports a missing invalid value as null, and keeps a falsy one', () => {
    const missing = batchError([{ index: 0, error: errors.unknownField('Nope') }]);
    expect((missing.data as any).errors[0].errors[0]).toMatchObject({ fieldName: 'Nope', errorCode: 'GSOBJ_1002', invalidValue: null });
    const zero = batchError([{ index: 0, error: errors.invalidValue('Employees', 'too small', 0) }]);
    expect((zero.data as any).errors[0].errors[0].invalidValue).toBe(0);
    const required = batchError([{ index: 1, error: errors.requiredValue('Name', 'a value is required') }]);
    expect(required.code).toBe('GSOBJ_1007');
    expect((required.data as any).errors[0]).toEqual({
      index: 1,
      success: false,
      errors: [{ fieldName: 'Name', errorCode: 'GSOBJ_1007', errorMessage: 'Invalid field value (Name): a value is required', invalidValue: null }],
    });
    expect(required.message).toBe('records[1]: Invalid field value (Name): a value is required');
  });
});

describe('recordsOf', () => {
  it('answers the records of a batch of 1 to 50', () => {
    const one = [{ Name: 'Acme' }];
    expect(recordsOf({ records: one })).toBe(one);
    const full = Array.from({ length: MAX_BATCH_RECORDS }, (_, i) => ({ Name: `C${i}` }));
    expect(recordsOf({ records: full })).toHaveLength(50);
    expect(MAX_BATCH_RECORDS).toBe(50);
  });

  it('rejects a missing or non-object body with GSAPI_4000', () => {
    for (const body of [undefined, [], 'records', 5, null]) {
      const error = thrown(() => recordsOf(body));
      expect(error.code, JSON.stringify(body)).toBe('GSAPI_4000');
      expect(error.statusCode).toBe(400);
    }
  });

  it('rejects missing records with GSOBJ_1007 naming records', () => {
    for (const body of [{}, { records: null }]) {
      const error = thrown(() => recordsOf(body));
      expect(error.code).toBe('GSOBJ_1007');
      expect(error.field).toBe('records');
    }
  });

  it('rejects records that are not an array with GSOBJ_1008', () => {
    for (const records of [{ Name: 'Acme' }, 'Acme', 5]) {
      const error = thrown(() => recordsOf({ records }));
      expect(error.code).toBe('GSOBJ_1008');
      expect(error.field).toBe('records');
    }
  });

  it('rejects an empty batch with GSOBJ_1007', () => {
    const error = thrown(() => recordsOf({ records: [] }));
    expect(error.code).toBe('GSOBJ_1007');
    expect(error.field).toBe('records');
  });

  it('rejects 51 records with GSOBJ_1008', () => {
    const error = thrown(() => recordsOf({ records: Array.from({ length: 51 }, () => ({})) }));
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.field).toBe('records');
    expect(error.message).toContain('51');
    expect(error.message).toContain('50');
  });
});
