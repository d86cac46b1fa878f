/**
 * Values as the NXT surface reads them (src/domain/lenient-values.ts): each parser answers the
 * canonical value, or undefined when the input is not one.
 */
import { describe, expect, it } from 'vitest';
import {
  parseLenientBoolean,
  parseLenientDate,
  parseLenientDateTime,
  parseLenientNumber,
} from '../../src/domain/lenient-values.js';

describe('parseLenientNumber', () => {
  it.each([
    [120000, 120000],
    [-1.5, -1.5],
    [0, 0],
    ['120000', 120000],
    ['-1.5', -1.5],
    ['+7', 7],
    ['.5', 0.5],
    ['1.', 1],
    ['00012', 12],
    ['2e3', 2000],
    ['2E3', 2000],
    ['1.5e-2', 0.015],
    ['-.5e1', -5],
    [' 42 ', 42],
    ['\n5\t', 5],
  ])('reads %j as %j', (input, expected) => expect(parseLenientNumber(input)).toBe(expected));

  it.each([
    [''],
    ['   '],
    ['1,000'],
    ['1_000'],
    ['abc'],
    ['12abc'],
    ['.'],
    ['-'],
    ['e5'],
    ['1e'],
    ['1 000'],
    ['0x10'],
    ['0X1F'],
    ['0b1'],
    ['0o7'],
    ['NaN'],
    ['Infinity'],
    ['-Infinity'],
    ['1e400'],
    ['١٢'],
  ])('rejects the string %j', (input) => expect(parseLenientNumber(input)).toBeUndefined());

  it.each([[NaN], [Infinity], [-Infinity], [true], [null], [undefined], [[1]], [{ value: 1 }]])(
    'rejects the non-number %s',
    (input) => expect(parseLenientNumber(input)).toBeUndefined(),
  );
});

describe('parseLenientBoolean', () => {
  it.each([
    [true, true],
    [false, false],
    ['true', true],
    ['false', false],
    ['TRUE', true],
    ['False', false],
    [' true ', true],
  ])('reads %j as %j', (input, expected) => expect(parseLenientBoolean(input)).toBe(expected));

  it.each([['yes'], ['no'], ['1'], ['0'], [''], ['t'], [1], [0], [null], [undefined], [['true']]])(
    'rejects %j',
    (input) => expect(parseLenientBoolean(input)).toBeUndefined(),
  );
});

describe('parseLenientDateTime', () => {
  it.each([
    // Python's isoformat, with an offset.
    ['2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00.000Z'],
    // Java's default: minutes only, Z.
    ['2021-01-01T00:00Z', '2021-01-01T00:00:00.000Z'],
    // A space and no zone: UTC.
    ['2021-01-01 00:00:00', '2021-01-01T00:00:00.000Z'],
    ['2021-06-15 13:45:30', '2021-06-15T13:45:30.000Z'],
    // A date alone: midnight UTC.
    ['2021-01-01', '2021-01-01T00:00:00.000Z'],
    // Already canonical.
    ['2026-01-31T12:00:00.000Z', '2026-01-31T12:00:00.000Z'],
    ['2021-01-01t00:00z', '2021-01-01T00:00:00.000Z'],
    ['  2021-01-01T00:00:00Z  ', '2021-01-01T00:00:00.000Z'],
  ])('reads %j as %j', (input, expected) => expect(parseLenientDateTime(input)).toBe(expected));

  it.each([
    ['2024-01-01T05:30:00+05:30', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01T00:00:00+0530', '2023-12-31T18:30:00.000Z'],
    ['2024-01-01T00:00:00-08:00', '2024-01-01T08:00:00.000Z'],
    ['2024-12-31T20:00:00-05:00', '2025-01-01T01:00:00.000Z'],
    ['2024-03-01T00:30:00+01:00', '2024-02-29T23:30:00.000Z'],
  ])('converts the offset of %j to UTC (%j)', (input, expected) => expect(parseLenientDateTime(input)).toBe(expected));

  it.each([
    ['2021-01-01T00:00:00.5Z', '2021-01-01T00:00:00.500Z'],
    ['2021-01-01T00:00:00.12Z', '2021-01-01T00:00:00.120Z'],
    ['2021-01-01T00:00:00.123Z', '2021-01-01T00:00:00.123Z'],
    ['2021-01-01T00:00:00.123456Z', '2021-01-01T00:00:00.123Z'],
    ['2021-01-01T00:00:00.123456789+00:00', '2021-01-01T00:00:00.123Z'],
    ['2021-01-01 10:00:00.25', '2021-01-01T10:00:00.250Z'],
  ])('keeps milliseconds of the fraction in %j', (input, expected) => expect(parseLenientDateTime(input)).toBe(expected));

  it.each([
    [1609459200000, '2021-01-01T00:00:00.000Z'],
    [0, '1970-01-01T00:00:00.000Z'],
    [-86_400_000, '1969-12-31T00:00:00.000Z'],
    [1704067200123, '2024-01-01T00:00:00.123Z'],
    // The bounds every backend stores.
    [-62_135_596_800_000, '0001-01-01T00:00:00.000Z'],
    [253_402_300_799_999, '9999-12-31T23:59:59.999Z'],
  ])('reads epoch milliseconds %d as %j', (input, expected) => expect(parseLenientDateTime(input)).toBe(expected));

  it.each([
    ['2021-02-30T00:00:00Z'],
    ['2021-02-29'],
    ['2021-04-31 00:00:00'],
    ['2021-13-01T00:00:00Z'],
    ['2021-00-10T00:00:00Z'],
    ['2021-01-00T00:00:00Z'],
    ['2021-01-01T24:00:00Z'],
    ['2021-01-01T23:60:00Z'],
    ['2021-01-01T23:59:60Z'],
    ['2021-01-01T00:00:00+24:00'],
    ['2021-01-01T00:00:00+05:60'],
    ['2021-01-01T00:00:00+05'],
    ['0000-01-01T00:00:00Z'],
    ['10000-01-01T00:00:00Z'],
    // An offset that pushes the instant out of years 0001-9999.
    ['9999-12-31T23:00:00-05:00'],
    ['0001-01-01T00:30:00+01:00'],
    ['2021-01-01T00:00:00.1234567890Z'],
    ['2021-01-01T10Z'],
    ['2021-1-1'],
    ['01-01-2021'],
    ['20210101'],
    ['2021-01-01  12:00:00'],
    ['1609459200000'],
    ['yesterday'],
    [''],
  ])('rejects %j', (input) => expect(parseLenientDateTime(input)).toBeUndefined());

  it.each([
    [1.5],
    [1609459200000.5],
    [NaN],
    [Infinity],
    [-62_135_596_800_001],
    [253_402_300_800_000],
    [true],
    [null],
    [undefined],
    [{}],
  ])('rejects the non-string %s', (input) => expect(parseLenientDateTime(input)).toBeUndefined());
});

describe('parseLenientDate', () => {
  it.each([
    ['2021-01-31', '2021-01-31'],
    ['2024-02-29', '2024-02-29'],
    ['01-31-2021', '2021-01-31'],
    ['02-29-2024', '2024-02-29'],
    ['12-01-2021', '2021-12-01'],
    [' 01-31-2021 ', '2021-01-31'],
  ])('reads %j as %j', (input, expected) => expect(parseLenientDate(input)).toBe(expected));

  it.each([
    ['13-01-2021'],
    ['02-30-2021'],
    ['02-29-2021'],
    ['00-10-2021'],
    ['2021-02-30'],
    ['2021-13-01'],
    ['1-31-2021'],
    ['31-01-2021'],
    ['01/31/2021'],
    ['2021-01-31T00:00:00Z'],
    ['0000-01-01'],
    [''],
  ])('rejects %j', (input) => expect(parseLenientDate(input)).toBeUndefined());

  it.each([[20210131], [null], [undefined], [new Date(0)]])('rejects the non-string %s', (input) =>
    expect(parseLenientDate(input)).toBeUndefined(),
  );
});
