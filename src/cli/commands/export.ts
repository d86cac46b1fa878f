/**
 * `gainsight-api export <object> [--format csv|jsonl] [--out FILE]`: every record of one object,
 * as CSV or JSON Lines, in Gsid order, streamed page by page (bounded memory at any size).
 * What it writes, `import` reads back to the same records (see domain/record-files.ts).
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { cellText, csvLine, fileColumns, formatOfFileName, RECORD_FILE_FORMATS, type RecordFileFormat } from '../../domain/record-files.js';
import type { ObjectDescription } from '../../domain/object-model.js';
import type { Store } from '../../store/store.js';
import { recordJsonPages } from '../../store/record-export.js';
import { CliError, databaseOptionHelp, withMigratedStore } from '../common.js';
import { createProgress } from '../progress.js';

interface ExportFlags {
  readonly format?: string;
  readonly out?: string;
  readonly db?: string;
  readonly schema?: string;
}

/** `--format`, else the extension of `--out`, else CSV. */
export function chosenFormat(format: string | undefined, file: string | undefined): RecordFileFormat {
  if (format !== undefined) {
    if (!(RECORD_FILE_FORMATS as readonly string[]).includes(format)) throw new CliError(`--format must be ${RECORD_FILE_FORMATS.join(' or ')}, not ${JSON.stringify(format)}`);
    return format as RecordFileFormat;
  }
  return (file !== undefined ? formatOfFileName(file) : undefined) ?? 'csv';
}

/** The object a command names, ignoring case, or a one-line error listing the objects there are. */
export function objectNamed(store: Store, name: string): ObjectDescription {
  const object = store.registry.find(name);
  if (!object) throw new CliError(`${name}: no such object; the schema has ${store.registry.names.join(', ')}`);
  return object;
}

/**
 * Writes text, waiting when the stream's buffer is full (a slow disk or reader). The stream's
 * errors are kept by `watch` and thrown here, at the next write.
 */
async function writeText(out: Writable, watch: { error?: Error }, text: string): Promise<void> {
  if (watch.error) throw watch.error;
  if (out.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      out.off('drain', done);
      out.off('error', done);
      if (watch.error) reject(watch.error);
      else resolve();
    };
    out.once('drain', done);
    out.once('error', done);
  });
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('write every record of an object as CSV or JSON Lines (what import reads back)')
    .argument('<object>', 'the object (Company, Person, company_person, gsuser, a standard or custom object)')
    .option('--format <format>', 'csv or jsonl (default: the extension of --out, else csv)')
    .option('--out <file>', 'write to this file instead of standard output')
    .option(...databaseOptionHelp.db)
    .option(...databaseOptionHelp.schema)
    .action(async (name: string, flags: ExportFlags) => {
      const format = chosenFormat(flags.format, flags.out);
      await withMigratedStore(flags, async (store) => {
        const object = objectNamed(store, name);
        const total = await store.records(object).count();
        const out: Writable = flags.out ? createWriteStream(flags.out) : process.stdout;
        const watch: { error?: Error } = {};
        out.on('error', (error: Error) => (watch.error = error));
        if (flags.out) {
          await new Promise<void>((resolve) => {
            out.once('open', () => resolve());
            out.once('error', () => resolve());
          });
          const code = (watch.error as NodeJS.ErrnoException | undefined)?.code;
          if (watch.error) throw new CliError(`--out ${flags.out}: cannot write it (${code ?? watch.error.message})`);
        }
        const started = performance.now();
        const progress = createProgress({ label: 'export', unit: object.plural, total });
        const columns = fileColumns(object).map((field) => field.name);
        let count = 0;
        try {
          if (format === 'csv') await writeText(out, watch, csvLine(columns));
          for await (const page of recordJsonPages(store.database, object)) {
            if (format === 'jsonl') {
              await writeText(out, watch, `${page.join('\n')}\n`);
            } else {
              let text = '';
              for (const json of page) {
                const record = JSON.parse(json) as Record<string, string | number | boolean>;
                text += csvLine(columns.map((column) => cellText(record[column])));
              }
              await writeText(out, watch, text);
            }
            count += page.length;
            progress.update(count);
          }
          if (flags.out) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
        } catch (error) {
          progress.stop();
          // A reader that went away (`export ... | head`) is the end of the export, not a failure.
          if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
          throw error;
        }
        progress.finish();
        const seconds = (performance.now() - started) / 1000;
        const summary =
          `Exported ${count} ${object.name} records as ${format} ${flags.out ? `to ${flags.out} ` : ''}in ${seconds.toFixed(1)} s` +
          (seconds > 0 ? ` (${Math.round(count / seconds)} records/s).\n` : '.\n');
        // Standard output may be the data itself.
        (flags.out ? process.stdout : process.stderr).write(summary);
      });
    });
}
