/**
 * `gainsight-api import <object> FILE`: records from CSV or JSON Lines (what `export` writes, or a
 * file of your own whose columns are field names), streamed in batches: memory holds one batch,
 * whatever the file's size.
 *
 * Every row goes through the validator the API's create uses (domain/record-files.ts), then
 * through the checks the database would otherwise fail a whole batch on (store/record-import.ts).
 * What happens to a batch:
 * - rows that fail a check are rejected: written to the rejects file (JSON Lines naming the line,
 *   the field, the error code and the problem, with the row as read) and never stored;
 * - the batch's other rows are written in one transaction, together or not at all;
 * - if the database still refuses a batch (another writer took a value meanwhile, the database
 *   went away), that batch is rolled back and the import stops, saying which lines are committed.
 *   Running the same import again then skips the rows already stored (same Gsid, same values) and
 *   imports the rest.
 * Exit status: 0 when every row was imported, 2 when some were rejected, 1 when the import failed.
 */
import { createReadStream, createWriteStream, statSync, type ReadStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { parse, type CsvError } from 'csv-parse';
import { ApiError, errors } from '../../domain/errors.js';
import type { FieldValues, ObjectDescription } from '../../domain/object-model.js';
import { StoreError } from '../../domain/persistence.js';
import { createImportRowReader, csvRowValues, formatOfFileName, headerProblem, RECORD_FILE_FORMATS, type RecordFileFormat } from '../../domain/record-files.js';
import { createRecordImporter, type DeferredLookup } from '../../store/record-import.js';
import type { Store } from '../../store/store.js';
import { CliError, databaseOptionHelp, withMigratedStore } from '../common.js';
import { createProgress } from '../progress.js';
import { objectNamed } from './export.js';

interface ImportFlags {
  readonly format?: string;
  readonly batchSize: string;
  readonly rejects?: string;
  readonly dryRun?: boolean;
  readonly db?: string;
  readonly schema?: string;
}

/** One row of the file as read: its values, or why it could not be read at all. */
type SourceRow =
  | { readonly line: number; readonly row: Record<string, unknown>; readonly values?: undefined; readonly error?: undefined }
  | { readonly line: number; readonly row: unknown; readonly error: Rejection };

interface Rejection {
  readonly field?: string;
  readonly errorCode: string;
  readonly problem: string;
}

const MALFORMED = 'GSAPI_4000';

function rejectionOf(error: ApiError): Rejection {
  return { field: error.field, errorCode: error.code, problem: error.message };
}

/**
 * Which cells of one CSV record are a quoted empty cell (`""`, the empty string) rather than an
 * empty one (no value); csv-parse gives '' for both. Its `cast` option could tell, at a cost of
 * most of the import's time, so the record's raw text is read here, and only when it has both
 * an empty cell and a `""`.
 */
export function quotedEmptyCells(raw: string, delimiter = ','): Set<number> {
  const cells = new Set<number>();
  let index = 0;
  let at = 0;
  while (at < raw.length) {
    if (raw[at] === '"') {
      const end = at + 2;
      if (raw[at + 1] === '"' && (end === raw.length || raw[end] === delimiter || raw[end] === '\r' || raw[end] === '\n')) cells.add(index);
      // Past the quoted cell: a quote not followed by another closes it.
      at++;
      while (at < raw.length && !(raw[at] === '"' && raw[at + 1] !== '"')) at += raw[at] === '"' ? 2 : 1;
      at++;
    }
    while (at < raw.length && raw[at] !== delimiter && raw[at] !== '\r' && raw[at] !== '\n') at++;
    if (raw[at] !== delimiter) break;
    at++;
    index++;
  }
  return cells;
}

/**
 * CSV rows by their header: the first record names the columns (field names). An empty cell is
 * no value; a quoted empty cell is the empty string. Records csv-parse cannot read (a stray
 * quote, a wrong number of cells) are skipped and reported with their line.
 */
async function* csvRows(input: ReadStream, object: ObjectDescription, file: string): AsyncGenerator<SourceRow> {
  const malformed: SourceRow[] = [];
  const parser = input.pipe(parse({ bom: true, info: true, raw: true, skip_records_with_error: true }));
  input.on('error', (error) => parser.destroy(error));
  parser.on('skip', (error: CsvError & { lines?: number }) => {
    malformed.push({ line: error.lines ?? 0, row: null, error: { errorCode: MALFORMED, problem: `Malformed CSV: ${error.message}` } });
  });
  let header: string[] | undefined;
  for await (const { record, raw, info } of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
    if (!header) {
      const broken = malformed.find((entry) => entry.line === 1);
      if (broken) throw new CliError(`${file}: the header (line 1) is not valid CSV: ${broken.error!.problem}`);
      const problem = headerProblem(object, record);
      if (problem) throw new CliError(`${file}: line 1 (the header): ${problem}`);
      header = record;
      continue;
    }
    yield* malformed.splice(0);
    const quotedEmpty = record.includes('') && raw.includes('""') ? quotedEmptyCells(raw) : undefined;
    const row: Record<string, string> = {};
    let newlines = 0;
    for (let i = 0; i < record.length; i++) {
      const cell = record[i]!;
      if (cell === '' && !quotedEmpty?.has(i)) continue;
      row[header[i]!] = cell;
      if (cell.includes('\n')) newlines += cell.split('\n').length - 1;
    }
    // csv-parse counts to the record's last line; a cell holding newlines started it earlier.
    const line = info.lines - newlines;
    try {
      yield { line, row: csvRowValues(object, row) as Record<string, unknown> };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      yield { line, row, error: rejectionOf(error) };
    }
  }
  if (!header && malformed.length === 0) throw new CliError(`${file}: the file is empty; a CSV file starts with a header of field names`);
  yield* malformed.splice(0);
}

/** JSON Lines rows: one JSON object per line; blank lines are skipped. */
async function* jsonLines(input: ReadStream): AsyncGenerator<SourceRow> {
  let line = 0;
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch (error) {
      yield { line, row: text, error: { errorCode: MALFORMED, problem: `Malformed JSON: ${(error as Error).message}` } };
      continue;
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      yield { line, row, error: { errorCode: MALFORMED, problem: `A line must hold a JSON object of field values, not ${Array.isArray(row) ? 'an array' : row === null ? 'null' : `a ${typeof row}`}` } };
      continue;
    }
    yield { line, row: row as Record<string, unknown> };
  }
}

/** The rejects file, opened on the first reject. */
function rejectsWriter(file: string) {
  let out: WriteStream | undefined;
  let failure: Error | undefined;
  let count = 0;
  return {
    get count() {
      return count;
    },
    async write(line: number, rejection: Rejection, row: unknown): Promise<void> {
      if (failure) throw new CliError(`--rejects ${file}: cannot write it (${(failure as NodeJS.ErrnoException).code ?? failure.message})`);
      if (!out) {
        out = createWriteStream(file);
        out.on('error', (error) => (failure = error));
      }
      count++;
      const entry = { line, field: rejection.field ?? null, errorCode: rejection.errorCode, problem: rejection.problem, row };
      if (!out.write(`${JSON.stringify(entry)}\n`)) await new Promise<void>((resolve) => out!.once('drain', resolve));
    },
    async close(): Promise<void> {
      if (out) await new Promise<void>((resolve) => out!.end(() => resolve()));
      if (failure) throw new CliError(`--rejects ${file}: cannot write it (${(failure as NodeJS.ErrnoException).code ?? failure.message})`);
    },
  };
}

/**
 * From this file size on (about 50,000 rows of companies) the table's non-unique indexes are
 * dropped for the import and rebuilt once at the end, as a large seed does: one sort per index
 * instead of a random B-tree insert per row, which made most of a million-row import's time.
 * Unique indexes stay, so every check still holds.
 */
const BULK_LOAD_BYTES = 10_000_000;

function batchSizeOf(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 100_000) throw new CliError('--batch-size must be an integer from 1 to 100000');
  return Number(raw);
}

function formatOf(flags: ImportFlags, file: string): RecordFileFormat {
  if (flags.format !== undefined) {
    if (!(RECORD_FILE_FORMATS as readonly string[]).includes(flags.format)) throw new CliError(`--format must be ${RECORD_FILE_FORMATS.join(' or ')}, not ${JSON.stringify(flags.format)}`);
    return flags.format as RecordFileFormat;
  }
  const format = formatOfFileName(file);
  if (!format) throw new CliError(`${file}: cannot tell the format from the name; use a .csv or .jsonl file, or --format csv|jsonl`);
  return format;
}

function fileSize(file: string): number {
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new CliError(`${file}: not a file`);
    return stat.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

interface ImportOptions {
  readonly file: string;
  readonly format: RecordFileFormat;
  readonly size: number;
  readonly batchSize: number;
  readonly rejectsFile: string;
  readonly dryRun: boolean;
}

/** Reads the file, checks and writes it batch by batch, and prints the summary; answers the exit status. */
async function importRecords(store: Store, object: ObjectDescription, options: ImportOptions): Promise<number> {
  const { file, format, size, batchSize, rejectsFile, dryRun } = options;
  const readRow = createImportRowReader(object);
  const importer = createRecordImporter(store.database, store.registry, object);
  const rejects = rejectsWriter(rejectsFile);
  const input = createReadStream(file);
  const rows = format === 'csv' ? csvRows(input, object, file) : jsonLines(input);
  const progress = createProgress({ label: dryRun ? 'import (dry run)' : 'import', unit: 'rows' });
  const started = performance.now();
  let read = 0;
  let imported = 0;
  let unchanged = 0;
  let committedThrough = 0;
  const deferred: DeferredLookup[] = [];
  let batch: { line: number; row: unknown; values: FieldValues }[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    const { problems, unchanged: there, deferred: later } = await importer.check(current.map((item) => item.values));
    unchanged += there.size;
    for (const [index, error] of [...problems.entries()].sort(([a], [b]) => a - b)) {
      await rejects.write(current[index]!.line, rejectionOf(error), current[index]!.row);
    }
    const values = current.map((item) => item.values);
    for (const { index, field, target } of later) {
      values[index] = { ...values[index]!, [field]: null };
      deferred.push({ gsid: values[index]!.Gsid as string, field, target, line: current[index]!.line });
    }
    const accepted = values.filter((_, index) => !problems.has(index) && !there.has(index));
    const retimed = values.filter((_, index) => there.has(index));
    if (!dryRun && accepted.length + retimed.length > 0) {
      try {
        await importer.write(accepted, retimed);
      } catch (error) {
        // The batch is only database work: whatever failed, the transaction was rolled back.
        progress.stop();
        await rejects.close();
        const why = error instanceof StoreError ? `${error.failure.kind}: ${error.failure.detail}` : error instanceof Error ? error.message : String(error);
        throw new CliError(
          `the database refused the batch of lines ${current[0]!.line}-${current[current.length - 1]!.line} ` +
            `(${why}); nothing of that batch was written. ` +
            (committedThrough > 0 ? `Lines up to ${committedThrough} are committed (${imported} records; their rejected rows are in ${rejectsFile}).` : 'Nothing was committed.') +
            ' Running the same import again skips the rows already there and imports the rest.',
        );
      }
    }
    imported += accepted.length;
    committedThrough = current[current.length - 1]!.line;
  };

  try {
    for await (const source of rows) {
      read++;
      if (source.error) {
        await rejects.write(source.line, source.error, source.row);
      } else {
        try {
          batch.push({ line: source.line, row: source.row, values: readRow(source.row).values });
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          await rejects.write(source.line, rejectionOf(error), source.row);
        }
      }
      if (batch.length >= batchSize) await flush();
      if (read % 1000 === 0) progress.update(read, size > 0 ? input.bytesRead / size : 1);
    }
    await flush();
  } catch (error) {
    progress.stop();
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code && /^E[A-Z]+$/.test(code)) throw new CliError(`${file}: cannot read it (${code})`);
    throw error;
  }
  progress.update(read, 1);
  progress.finish();

  // Lookups to rows further down the file, now that every row is in.
  let unresolved: DeferredLookup[] = [];
  if (deferred.length > 0 && !dryRun) {
    unresolved = await importer.resolveDeferred(deferred);
    for (const lookup of unresolved) {
      const error = errors.unknownReference(lookup.field, object.name, lookup.target);
      const problem = `The record was imported without ${lookup.field}, which named a record neither the database nor the file has: ${error.message}`;
      await rejects.write(lookup.line, { ...rejectionOf(error), problem }, { Gsid: lookup.gsid, [lookup.field]: lookup.target });
    }
  }
  await rejects.close();

  const seconds = (performance.now() - started) / 1000;
  const rejected = rejects.count - unresolved.length;
  const rate = seconds > 0 ? `, ${Math.round(read / seconds)} rows/s` : '';
  const outcome = dryRun ? `${imported} would be imported (dry run: nothing was written)` : `${imported} imported into ${object.name} (${store.dialect})`;
  const lines = [
    `Read ${read} rows of ${file}: ${outcome}, ${unchanged > 0 ? `${unchanged} already there (unchanged), ` : ''}${rejected} rejected, in ${seconds.toFixed(1)} s${rate}.`,
  ];
  if (unresolved.length > 0) lines.push(`${unresolved.length} records were imported without a lookup whose record never came.`);
  if (dryRun && deferred.length > 0) lines.push(`${deferred.length} lookups to rows further down the file are checked only by a real import.`);
  if (rejects.count > 0) lines.push(`Rejected rows, with line, field and problem: ${rejectsFile}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return rejects.count > 0 ? 2 : 0;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('add records of an object from CSV or JSON Lines (field names as columns), validated as the API validates them')
    .argument('<object>', 'the object (Company, Person, company_person, gsuser, a standard or custom object)')
    .argument('<file>', 'a .csv or .jsonl file (what export writes, or your own)')
    .option('--format <format>', 'csv or jsonl (default: from the file name)')
    .option('--batch-size <n>', 'rows per transaction', '5000')
    .option('--rejects <file>', 'where rejected rows go, as JSON Lines (default: FILE.rejects.jsonl)')
    .option('--dry-run', 'check every row, write nothing')
    .option(...databaseOptionHelp.db)
    .option(...databaseOptionHelp.schema)
    .action(async (name: string, file: string, flags: ImportFlags) => {
      const format = formatOf(flags, file);
      const batchSize = batchSizeOf(flags.batchSize);
      const size = fileSize(file);
      const rejectsFile = flags.rejects ?? `${file}.rejects.jsonl`;
      const dryRun = flags.dryRun === true;
      const code = await withMigratedStore(flags, async (store) => {
        const object = objectNamed(store, name);
        const options = { file, format, size, batchSize, rejectsFile, dryRun };
        if (dryRun || size < BULK_LOAD_BYTES) return importRecords(store, object, options);
        // A person's CompanyId also writes company_person links: that table is loaded too.
        const linkTables = object.fields.flatMap((field) => (field.links ? [store.registry.lookUp(field.links.object)!.table] : []));
        process.stderr.write('import: a large file: non-unique indexes are rebuilt at the end\n');
        return store.bulkLoad([object.table, ...linkTables], () => importRecords(store, object, options));
      });
      process.exitCode = code;
    });
}
