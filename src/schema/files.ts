/**
 * Schema files on disk: the standard objects this package ships (`schemas/standard-objects.yaml`)
 * and a tenant's own file (`--schema FILE`, `GS_SCHEMA`). Reads YAML, checks it against the
 * format's JSON Schema, compiles it onto the registry. Every failure is one SchemaFileError line
 * naming the file, the object and the field.
 */
import { readFileSync } from 'node:fs';
import type { Node } from 'yaml';
import { compileValidator, type Validator } from '../domain/body-validation.js';
import { ApiError } from '../domain/errors.js';
import { PACKAGE_ROOT, readPackageYaml, yaml as yamlParser } from '../package-data.js';
import { BUILTIN_OBJECTS } from '../domain/objects/index.js';
import { createRegistry, type ObjectRegistry } from '../domain/registry.js';
import { compileSchema, SchemaError } from '../domain/tenant-schema/compile.js';
import { SchemaDocumentSchema, type SchemaDocument } from '../domain/tenant-schema/format.js';
import { createAjv } from '../domain/validation.js';

export const STANDARD_OBJECTS_PATH = `${PACKAGE_ROOT}schemas/standard-objects.yaml`;
export const SCHEMA_FILE_JSON_SCHEMA_PATH = `${PACKAGE_ROOT}schemas/gainsight-schema.schema.json`;

/** A schema file that cannot be used; the message is one line, starting with the file. */
export class SchemaFileError extends Error {
  override name = 'SchemaFileError';
}

/** The objects in force: the registry, and the tenant's document it was compiled from. */
export interface TenantSchema {
  readonly registry: ObjectRegistry;
  /** The tenant's schema file as applied (empty without one). */
  readonly document: SchemaDocument;
  /** Where it came from, for messages (undefined without one). */
  readonly file?: string;
}

export const EMPTY_SCHEMA_DOCUMENT: SchemaDocument = { objects: {} };

let validateDocument: Validator<SchemaDocument> | undefined;

/** `objects.Company.fields.Tier__gc.type` -> `Company.Tier__gc.type`: the names a reader knows. */
function readablePath(path: string): string {
  return path.replace(/^objects\.([^.]+)\.fields\.([^.]+)/, '$1.$2').replace(/^objects\.([^.]+)/, '$1');
}

/** The format check's error as `path: problem`, the path in the names a reader knows. */
function formatProblem(error: ApiError): string {
  const path = error.field;
  if (!path) return error.message;
  const marker = `(${path}): `;
  const at = error.message.indexOf(marker);
  const problem = at >= 0 ? error.message.slice(at + marker.length) : error.message;
  return `${readablePath(path)}: ${problem}`;
}

/** Names a duplicate key by its path (`Company.Tier__gc`), where YAML would only give a line. */
function findDuplicateKey(node: Node | null | undefined, path: string[]): string[] | undefined {
  const { isMap, isScalar } = yamlParser();
  if (!isMap(node)) return undefined;
  const seen = new Set<string>();
  for (const item of node.items) {
    const key = isScalar(item.key) ? String(item.key.value) : undefined;
    if (key !== undefined) {
      if (seen.has(key)) return [...path, key];
      seen.add(key);
    }
    const found = findDuplicateKey(item.value as Node, key === undefined ? path : [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** Parses and checks one schema document (YAML or JSON text); `file` names it in messages. */
export function parseSchemaDocument(text: string, file: string): SchemaDocument {
  const fail = (where: string, problem: string): never => {
    throw new SchemaFileError(`${file}: ${where ? `${where}: ` : ''}${problem}`);
  };
  const yaml = yamlParser().parseDocument(text, { uniqueKeys: false, prettyErrors: true });
  if (yaml.errors.length > 0) {
    const error = yaml.errors[0]!;
    const line = error.linePos?.[0];
    fail(line ? `line ${line.line}, column ${line.col}` : '', `not valid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const duplicate = findDuplicateKey(yaml.contents, []);
  if (duplicate) {
    const [top, object, fields, field, ...rest] = duplicate;
    const where = top === 'objects' && fields === 'fields' && field ? [`${object}.${field}`, ...rest].join('.') : duplicate.join('.');
    fail(where, duplicate.length === 4 && top === 'objects' ? 'the field is declared twice' : 'the key is written twice');
  }
  const value: unknown = yaml.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) fail('', 'the file is empty; it needs objects: (see the README, "Mirror your tenant")');
  validateDocument ??= compileValidator<SchemaDocument>(createAjv(), SchemaDocumentSchema);
  try {
    return validateDocument(value);
  } catch (error) {
    if (error instanceof ApiError) fail('', formatProblem(error));
    throw error;
  }
}

function readSchemaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SchemaFileError(`${file}: cannot read the schema file (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`);
  }
}

/** Compiles a document onto a registry, naming the file in the message of any refusal. */
export function compileSchemaFile(base: ObjectRegistry, document: SchemaDocument, file: string): ObjectRegistry {
  try {
    return compileSchema(base, document);
  } catch (error) {
    if (error instanceof SchemaError) throw new SchemaFileError(`${file}: ${error.message}`);
    throw error;
  }
}

let standard: ObjectRegistry | undefined;

/** The built-in objects and the package's standard objects (read once per process). */
export function standardRegistry(): ObjectRegistry {
  if (!standard) {
    // The package's own file: a test checks it against the format, so it is not checked here.
    const document = readPackageYaml(STANDARD_OBJECTS_PATH, 'standard-objects.json') as SchemaDocument;
    standard = compileSchemaFile(createRegistry(BUILTIN_OBJECTS), document, STANDARD_OBJECTS_PATH);
  }
  return standard;
}

/** The schema in force without a tenant file. */
export function standardSchema(): TenantSchema {
  return { registry: standardRegistry(), document: EMPTY_SCHEMA_DOCUMENT };
}

/** The standard schema plus a tenant's file (`--schema`, `GS_SCHEMA`); without one, the standard schema. */
export function loadTenantSchema(file: string | undefined): TenantSchema {
  if (!file) return standardSchema();
  return tenantSchemaOf(parseSchemaDocument(readSchemaFile(file), file), file);
}

/** The standard schema plus a document already parsed (tests, `schema import`). */
export function tenantSchemaOf(document: SchemaDocument, file = 'schema'): TenantSchema {
  return { registry: compileSchemaFile(standardRegistry(), document, file), document, file };
}
