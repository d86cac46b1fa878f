#!/usr/bin/env node
/**
 * `gainsight-api`: serve, keys, seed, migrate. Failures print one line that says what is wrong
 * and how to fix it, and exit with status 1.
 */
import { Command } from 'commander';
import { ConfigError } from '../config.js';
import { packageVersion } from '../spec.js';
import { SchemaFileError } from '../schema/files.js';
import { CliError } from './common.js';
import { registerBackupCommands } from './commands/backup.js';
import { registerExportCommand } from './commands/export.js';
import { registerImportCommand } from './commands/import.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerRequestsCommand } from './commands/requests.js';
import { registerSandboxCommand } from './commands/sandbox.js';
import { registerSchemaCommand } from './commands/schema.js';
import { registerSeedCommand } from './commands/seed.js';
import { registerServeCommand } from './commands/serve.js';

const program = new Command()
  .name('gainsight-api')
  .description('A self-hosted server for the Gainsight REST API, on SQLite or PostgreSQL')
  .version(packageVersion());

registerServeCommand(program);
registerKeysCommand(program);
registerSeedCommand(program);
registerMigrateCommand(program);
registerSchemaCommand(program);
registerImportCommand(program);
registerExportCommand(program);
registerBackupCommands(program);
registerSandboxCommand(program);
registerRequestsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const known = error instanceof CliError || error instanceof ConfigError || error instanceof SchemaFileError;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`gainsight-api: ${message}\n`);
  if (!known && process.env.DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
}
