/**
 * `gainsight-api schema`: apply, diff, export and import schema files (a tenant's custom objects
 * and fields). `apply` is what `serve` does at start, plus `--drop` to drop data on purpose.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { SchemaDocument } from '../../domain/tenant-schema/format.js';
import { importDescribe } from '../../domain/tenant-schema/import-describe.js';
import { SchemaError } from '../../domain/tenant-schema/compile.js';
import { SCHEMA_FILE_JSON_SCHEMA_PATH, standardRegistry, tenantSchemaOf } from '../../schema/files.js';
import { yaml } from '../../package-data.js';
import { CliError, databaseOptionHelp, withStore } from '../common.js';
import { createActivity } from '../progress.js';

interface Flags {
  readonly db?: string;
  readonly schema?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** A schema document as the file a person edits: a header, then YAML. */
export function schemaFileText(document: SchemaDocument, header: string): string {
  const body = yaml().stringify({ objects: document.objects }, { lineWidth: 120 });
  return `# yaml-language-server: $schema=${SCHEMA_FILE_JSON_SCHEMA_PATH}\n# ${header}\n${body}`;
}

function output(text: string, file: string | undefined): void {
  if (file) writeFileSync(file, text);
  else process.stdout.write(text);
}

function printChanges(changes: readonly string[], none: string): void {
  process.stdout.write(changes.length > 0 ? `${changes.map((line) => `  ${line}`).join('\n')}\n` : `${none}\n`);
}

export function registerSchemaCommand(program: Command): void {
  const schema = program.command('schema').description("apply, diff, export and import schema files (a tenant's custom objects and fields)");

  schema
    .command('apply')
    .description('bring the database to the schema file (serve does this at start); --drop drops an object or field with its data')
    .option('--drop <name>', 'drop Object or Object.Field that the schema no longer has, with its data (repeatable)', collect, [])
    .option(...databaseOptionHelp.db)
    .option(...databaseOptionHelp.schema)
    .action(async (flags: Flags & { drop: string[] }) => {
      await withStore(flags, async (store) => {
        // Index builds and backfills on large tables take a while and report nothing meanwhile.
        const activity = createActivity({ label: 'schema apply', doing: 'applying migrations and the schema' });
        let applied: string[];
        try {
          ({ applied } = await store.migrate({ drop: flags.drop }));
        } finally {
          activity.finish();
        }
        process.stdout.write(`Schema applied to ${store.dialect}${store.schema.file ? ` from ${store.schema.file}` : ''}:\n`);
        printChanges(applied, '  nothing to change');
      });
    });

  schema
    .command('diff')
    .description('print what apply would change in the database, changing nothing')
    .argument('[file]', 'the schema file (default: --schema or GS_SCHEMA)')
    .option('--drop <name>', 'as apply --drop', collect, [])
    .option(...databaseOptionHelp.db)
    .option(...databaseOptionHelp.schema)
    .action(async (file: string | undefined, flags: Flags & { drop: string[] }) => {
      await withStore({ ...flags, schema: file ?? flags.schema }, async (store) => {
        const changes = await store.diffSchema({ drop: flags.drop });
        process.stdout.write(`Changes apply would make to ${store.dialect}:\n`);
        printChanges(changes, '  none: the database matches the schema');
      });
    });

  schema
    .command('export')
    .description('write the schema in force (the schema file last applied to the database)')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .option(...databaseOptionHelp.db)
    .action(async (flags: Flags & { output?: string }) => {
      // The schema in force is the database's, whatever file this command would be given.
      await withStore({ db: flags.db, schema: undefined }, async (store) => {
        const applied = await store.appliedSchema();
        if (!applied) throw new CliError('No schema was ever applied to this database: start the server or run gainsight-api schema apply first');
        output(schemaFileText(applied.document, `The schema in force, exported by gainsight-api from ${store.dialect}`), flags.output);
      });
    });

  schema
    .command('import')
    .description('turn saved Gainsight describe responses (GET /v1/meta/services/objects/{object}/describe) into a schema file')
    .argument('<files...>', 'describe responses, as JSON files')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(async (files: string[], flags: { output?: string }) => {
      const inputs = files.map((file) => {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (error) {
          throw new CliError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        }
        try {
          return { source: file, json: JSON.parse(text) as unknown };
        } catch (error) {
          throw new CliError(`${file}: not JSON (${(error as Error).message})`);
        }
      });
      let result;
      try {
        result = importDescribe(inputs, standardRegistry());
      } catch (error) {
        if (error instanceof SchemaError) throw new CliError(error.message);
        throw error;
      }
      // The result must be a schema this server takes: check it as serve would.
      tenantSchemaOf(result.document, flags.output ?? 'the imported schema');
      for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
      output(schemaFileText(result.document, `Imported by gainsight-api from ${files.join(', ')}`), flags.output);
      const count = Object.keys(result.document.objects).length;
      if (flags.output) process.stderr.write(`Wrote ${count} objects to ${flags.output}${result.warnings.length ? ` (${result.warnings.length} warnings above)` : ''}.\n`);
    });
}
