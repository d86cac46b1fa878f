import type { ReportValue } from '../../domain/reports/report-service.js';

/** RFC 4180 CSV of a report result: a header row of column names, CRLF line ends; booleans as true/false. */
export function toCsv(columns: readonly { name: string }[], records: readonly Record<string, ReportValue>[]): string {
  const cell = (value: ReportValue | undefined): string => {
    if (value === undefined) return '';
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [columns.map((c) => cell(c.name)).join(',')];
  for (const record of records) lines.push(columns.map((c) => cell(record[c.name])).join(','));
  return lines.join('\r\n') + '\r\n';
}
