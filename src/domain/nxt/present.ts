/**
 * Records as the NXT surface answers them: every requested field present (`null` when empty),
 * booleans as true/false, DATE as `YYYY-MM-DD` and DATETIME as ISO 8601 UTC with milliseconds —
 * what the public clients parse (Python `fromisoformat`, Java `ZonedDateTime.parse`) — or both as
 * epoch milliseconds, as Gainsight's own documentation samples show them (`--nxt-date-format epoch`).
 *
 * Picklist values are stored as their labels and answered as labels by default; real Gainsight
 * answers the option's Gsid (a da_picklist item), which `--picklist-values gsid` switches to. A
 * multi-select answers its values joined with `;`.
 */
import { MULTISELECT_SEPARATOR, type FieldType, type ObjectDescription, type PicklistOption } from '../object-model.js';

export type DateFormat = 'iso' | 'epoch';
export type PicklistValues = 'label' | 'gsid';

export interface PresentFormat {
  readonly dateFormat: DateFormat;
  readonly picklistValues: PicklistValues;
}

export const DEFAULT_PRESENT_FORMAT: PresentFormat = { dateFormat: 'iso', picklistValues: 'label' };

export type NxtValue = string | number | boolean | null;

export interface PresentedColumn {
  readonly name: string;
  readonly type: FieldType;
  /** A picklist's options (its values are answered as Gsids in `gsid` mode). */
  readonly options?: readonly PicklistOption[];
}

/** Stored label(s) -> Gsid(s); a label no option has any more (options removed later) stays as is. */
function picklistGsids(options: readonly PicklistOption[], stored: string): string {
  const byLabel = new Map(options.map((option) => [option.label.toLowerCase(), option.gsid]));
  return stored
    .split(MULTISELECT_SEPARATOR)
    .map((label) => byLabel.get(label.toLowerCase()) ?? label)
    .join(MULTISELECT_SEPARATOR);
}

export function presentValue(column: PresentedColumn, value: unknown, format: PresentFormat): NxtValue {
  if (value === undefined || value === null) return null;
  const { type } = column;
  if (type === 'boolean') return value === true || value === 1;
  if (format.dateFormat === 'epoch' && (type === 'date' || type === 'datetime')) {
    return Date.parse(type === 'date' ? `${value as string}T00:00:00.000Z` : (value as string));
  }
  if (column.options && format.picklistValues === 'gsid') return picklistGsids(column.options, value as string);
  return value as string | number;
}

/** One row keyed by column name, every column present. */
export function presentRow(
  columns: readonly PresentedColumn[],
  row: Readonly<Record<string, unknown>>,
  format: PresentFormat,
): Record<string, NxtValue> {
  const record: Record<string, NxtValue> = {};
  for (const column of columns) record[column.name] = presentValue(column, row[column.name], format);
  return record;
}

/** A whole record of a view (GET, upsert answers). */
export function presentRecord(object: ObjectDescription, row: Readonly<Record<string, unknown>>, format: PresentFormat): Record<string, NxtValue> {
  return presentRow(object.fields, row, format);
}
