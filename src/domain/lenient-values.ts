/**
 * Values as Gainsight reads them on its NXT surfaces, where clients send numbers as strings
 * (Pipedream's `"ARR":"120000"`), booleans as `"true"`, and date-times in whatever their
 * language prints. Each parser answers the canonical value, or undefined when the input is not
 * one. The seed surface and the reports stay strict and never call these.
 */
import { isCalendarDate, isDateTime, MAX_EPOCH_MS, MIN_EPOCH_MS } from './dates.js';

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A JSON number, or a decimal string (`"120000"`, `"-1.5"`, `"2e3"`). */
export function parseLenientNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !DECIMAL.test(value.trim())) return undefined;
  const number = Number(value.trim());
  return Number.isFinite(number) ? number : undefined;
}

/** `true`/`false`, or the strings `"true"`/`"false"` in any case. */
export function parseLenientBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

const DATE_TIME =
  /^(\d{4}-\d\d-\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(\.\d{1,9})?)?)?\s*(Z|[+-]\d\d:?\d\d)?$/i;

/**
 * A date-time as ISO 8601 UTC with milliseconds, from: ISO with an offset
 * (`2024-01-01T00:00:00+00:00`, Python), without seconds (`2021-01-01T00:00Z`, Java), with a
 * space and no zone (`2021-01-01 00:00:00`, UTC), a date alone (midnight UTC), or epoch
 * milliseconds as a number.
 */
export function parseLenientDateTime(value: unknown): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < MIN_EPOCH_MS || value > MAX_EPOCH_MS) return undefined;
    return new Date(value).toISOString();
  }
  if (typeof value !== 'string') return undefined;
  const match = DATE_TIME.exec(value.trim());
  if (!match) return undefined;
  const [, date, hours = '00', minutes = '00', seconds = '00', fraction = '', zone = 'Z'] = match;
  if (!isCalendarDate(date!) || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return undefined;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const millis = (fraction.slice(1) + '000').slice(0, 3);
  const iso = `${date}T${hours}:${minutes}:${seconds}.${millis}${offset}`;
  if (!isDateTime(iso)) return undefined;
  const normalised = new Date(iso).toISOString();
  // An offset can push 9999-12-31T23:00-05:00 past what the backends store.
  return isDateTime(normalised) ? normalised : undefined;
}

/** A date as `YYYY-MM-DD`, from `YYYY-MM-DD` or `MM-DD-YYYY` (as in Gainsight's own samples). */
export function parseLenientDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (isCalendarDate(text)) return text;
  const us = /^(\d\d)-(\d\d)-(\d{4})$/.exec(text);
  if (!us) return undefined;
  const iso = `${us[3]}-${us[1]}-${us[2]}`;
  return isCalendarDate(iso) ? iso : undefined;
}
