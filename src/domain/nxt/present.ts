/**
 * Records as the NXT surface answers them: every requested field present (`null` when empty),
 * booleans as true/false, DATE as `YYYY-MM-DD` and DATETIME as ISO 8601 UTC with milliseconds —
 * what the public clients parse (Python `fromisoformat`, Java `ZonedDateTime.parse`) — or both as
 * epoch milliseconds, as Gainsight's own documentation samples show them (`--nxt-date-format epoch`).
 */
import type { FieldType, ObjectDescription } from '../object-model.js';

export type DateFormat = 'iso' | 'epoch';

export type NxtValue = string | number | boolean | null;

export interface PresentedColumn {
  readonly name: string;
  readonly type: FieldType;
}

export function presentValue(type: FieldType, value: unknown, dateFormat: DateFormat): NxtValue {
  if (value === undefined || value === null) return null;
  if (type === 'boolean') return value === true || value === 1;
  if (dateFormat === 'epoch' && (type === 'date' || type === 'datetime')) {
    return Date.parse(type === 'date' ? `${value as string}T00:00:00.000Z` : (value as string));
  }
  return value as string | number;
}

/** One row keyed by column name, every column present. */
export function presentRow(
  columns: readonly PresentedColumn[],
  row: Readonly<Record<string, unknown>>,
  dateFormat: DateFormat,
): Record<string, NxtValue> {
  const record: Record<string, NxtValue> = {};
  for (const column of columns) record[column.name] = presentValue(column.type, row[column.name], dateFormat);
  return record;
}

/** A whole record of a view (GET, upsert answers). */
export function presentRecord(object: ObjectDescription, row: Readonly<Record<string, unknown>>, dateFormat: DateFormat): Record<string, NxtValue> {
  return presentRow(object.fields, row, dateFormat);
}
