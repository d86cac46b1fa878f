/**
 * isDateTime is the one check of a date-time on every surface (the validators' `date-time`
 * format, the filters): it accepts only instants every backend stores and answers alike. Found by
 * fuzzing: `T24:00` and offsets that move the instant out of years 0001-9999 passed it, and the
 * NXT surface then stored them as sent (SQLite) or as another day, or a BC date (PostgreSQL).
 */
import { describe, expect, it } from 'vitest';
import { isDateTime } from '../../src/domain/dates.js';
import { parseLenientDateTime } from '../../src/domain/lenient-values.js';

describe('isDateTime', () => {
  it.each([
    ['0001-01-01T00:00:00Z'],
    ['0001-01-01T00:00:00-01:00'],
    ['9999-12-31T23:59:59.999Z'],
    ['9999-12-31T23:59:59+01:00'],
    ['2024-02-29T23:59:59.123456789Z'],
    ['2024-06-01T12:00+02:00'],
    ['2024-06-01t12:00:00z'],
  ])('accepts %s', (value) => {
    expect(isDateTime(value)).toBe(true);
  });

  it.each([
    ['2024-02-29T24:00:00Z', 'hour 24'],
    ['2024-01-01T24:00Z', 'hour 24 without seconds'],
    ['2024-01-01T23:60:00Z', 'minute 60'],
    ['2024-12-31T23:59:60Z', 'leap second'],
    ['0001-01-01T00:00:00+01:00', 'an instant in year 0'],
    ['9999-12-31T23:59:59-05:00', 'an instant in year 10000'],
    ['2024-01-01T00:00:00.1234567890Z', 'more than nanoseconds'],
    ['2023-02-29T00:00:00Z', 'a day that does not exist'],
    ['2024-01-01T00:00:00', 'no time zone'],
  ])('refuses %s (%s)', (value) => {
    expect(isDateTime(value)).toBe(false);
  });

  it('refuses nothing the lenient reader normalises, and the reader leaves nothing it accepts unnormalised', () => {
    // Every value isDateTime accepts is read by the NXT surface as ISO UTC with milliseconds.
    for (const value of ['0001-01-01T00:00:00-01:00', '9999-12-31T23:59:59+01:00', '2024-06-01T12:00+02:00', '2024-02-29T23:59:59.123456789Z']) {
      expect(parseLenientDateTime(value), value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  });
});
