/**
 * Calendar dates as the API takes them: `YYYY-MM-DD`, a day that exists, years 0001 to 9999
 * (every backend can store those; PostgreSQL has no year 0).
 */
const DATE = /^(\d{4})-(\d\d)-(\d\d)$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Epoch milliseconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the instants every backend stores. */
export const MIN_EPOCH_MS = -62_135_596_800_000;
export const MAX_EPOCH_MS = 253_402_300_799_999;

/**
 * An ISO 8601 date-time with a time zone: a day that exists, a time of day that exists (no 24:00,
 * no leap second: JavaScript reads T24:00 as the next midnight, PostgreSQL too, SQLite keeps the
 * text), at most nanoseconds, and an instant in years 0001 to 9999 UTC (`0001-01-01T00:00+01:00`
 * is in year 0, which PostgreSQL stores as BC and SQLite as text no longer in order).
 */
export function isDateTime(value: string): boolean {
  const match = /^(\d{4}-\d\d-\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d{1,9})?)?(?:Z|[+-]\d\d:\d\d)$/i.exec(value);
  if (!match || !isCalendarDate(match[1]!)) return false;
  if (Number(match[2]) > 23 || Number(match[3]) > 59 || Number(match[4] ?? 0) > 59) return false;
  const instant = Date.parse(value);
  return instant >= MIN_EPOCH_MS && instant <= MAX_EPOCH_MS;
}

/** `YYYY-MM-DD` plus a number of days (negative to go back), in UTC. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
