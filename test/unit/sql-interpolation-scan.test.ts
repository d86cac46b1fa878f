/**
 * No SQL built from strings: every source file under src/ is parsed (TypeScript's own parser) and
 * each place where text becomes SQL is checked:
 * - `sql.raw(x)` and `CompiledQuery.raw(x)`: x must be constant;
 * - a template literal or a `+` concatenation given to `.query`, `.prepare`, `.exec`, `.pragma`
 *   or `.execute`: every interpolated part must be constant or an identifier quoted by the
 *   quoting helper (`quoteIdentifier`, store/sql-identifier.ts);
 * - a non-literal argument of those methods in the store (a variable holding SQL text), unless
 *   it is a regular expression's exec.
 * Kysely's tagged template `sql\`…${value}…\`` binds values as parameters and its `sql.id`,
 * `sql.ref`, `sql.table`, `sql.lit` quote or escape, so they are safe and not reported.
 *
 * "Constant": literals, templates and concatenations of constants, `a ? b : c` with constant
 * branches, `String(constant)`, a file-level `const` holding a constant, and the dialect's column
 * type names (`t.text` where `t: ColumnTypes` or `const t = database.columnTypes`). Everything else is listed in ALLOWED below with the
 * reason it is safe, matched exactly (file and argument text): a new interpolation fails this test
 * until someone has looked at it, and an entry that no longer matches anything fails too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const SQL_METHODS = new Set(['query', 'prepare', 'exec', 'pragma', 'execute']);
const QUOTING_HELPERS = new Set(['quoteIdentifier', 'qualifiedColumn']);

/** Reviewed interpolations: [file, the argument's source text, why it is safe]. */
const ALLOWED: readonly (readonly [string, string, string])[] = [
  [
    'src/store/bulk-load.ts',
    "index.sql.replace(/^CREATE INDEX /i, 'CREATE INDEX IF NOT EXISTS ')",
    'the CREATE INDEX statement the database itself reported for its own index (secondaryIndexes), re-run verbatim',
  ],
  ['src/store/reference-counter.ts', 'String(SHARDS)', 'the number of counter shards, a constant imported from record-counter.ts'],
  ['src/store/object-tables.ts', 'columnType(field, t)', 'a column type name of the dialect (ColumnTypes), chosen by the field type'],
  ['src/store/object-tables.ts', 'isKey ? t.text : columnType(field, t)', 'a column type name of the dialect, as above'],
  ['src/store/report-query.ts', 'source.fn', 'an aggregate function name: the report definition schema allows only count, sum, avg, min, max'],
  ['src/store/report-query.ts', '` ${p.kind} `', "'and' or 'or': the kind of a node the filter expression parser built"],
  ['src/store/report-query.ts', 'operator', 'a comparison operator looked up in a fixed table of the filter operators'],
  ['src/store/report-query.ts', 'cutBy.direction + nulls', "'asc' or 'desc' (schema enum) and a constant nulls-ordering clause"],
  ['src/store/report-query.ts', 'order.direction + nulls', "'asc' or 'desc' (schema enum) and a constant nulls-ordering clause"],
  [
    'src/store/record-json.ts',
    'jsonValue(type, column, dialect)',
    'a SQL expression over a column already quoted by qualifiedColumn; JSON keys sent by clients are bound parameters',
  ],
  [
    'src/store/record-json.ts',
    "`'{' || ${joined(pieces)} || '}'`",
    'pieces are keyLiteral (a field name as an escaped string literal) and expressions over identifiers quoted by quoteIdentifier',
  ],
  ['src/store/request-transaction.ts', 'text', 'the local raw(): called only with constant statements and savepoint names built from an integer depth'],
  ['src/store/sqlite.ts', 'sql', "the statement cache's prepare: the SQL text Kysely compiled, values bound separately"],
];

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** File-level `const NAME = <constant>` declarations. */
function fileConstants(source: ts.SourceFile): Map<string, ts.Expression> {
  const constants = new Map<string, ts.Expression>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.initializer) constants.set(declaration.name.text, declaration.initializer);
    }
  }
  return constants;
}

/**
 * Whether `name` holds the dialect's column type names around `node`: a parameter declared as
 * ColumnTypes, or a local `const name = database.columnTypes`.
 */
function isColumnTypesParameter(node: ts.Node, name: string): boolean {
  for (let scope: ts.Node | undefined = node; scope; scope = scope.parent) {
    if (ts.isBlock(scope)) {
      for (const statement of scope.statements) {
        if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && declaration.name.text === name && declaration.initializer && /(^|\.)columnTypes$/.test(declaration.initializer.getText())) {
            return true;
          }
        }
      }
    }
    if (!ts.isFunctionLike(scope)) continue;
    for (const parameter of scope.parameters) {
      if (ts.isIdentifier(parameter.name) && parameter.name.text === name && parameter.type && /ColumnTypes|columnTypes/.test(parameter.type.getText())) {
        return true;
      }
    }
  }
  return false;
}

function isConstant(node: ts.Expression, constants: Map<string, ts.Expression>, seen = new Set<string>()): boolean {
  if (ts.isParenthesizedExpression(node)) return isConstant(node.expression, constants, seen);
  if (ts.isStringLiteral(node) || ts.isNumericLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return true;
  if (ts.isTemplateExpression(node)) return node.templateSpans.every((span) => isConstant(span.expression, constants, seen));
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return isConstant(node.left, constants, seen) && isConstant(node.right, constants, seen);
  }
  if (ts.isConditionalExpression(node)) return isConstant(node.whenTrue, constants, seen) && isConstant(node.whenFalse, constants, seen);
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'String' && node.arguments.length === 1) {
    return isConstant(node.arguments[0]!, constants, seen);
  }
  if (ts.isIdentifier(node)) {
    const initializer = constants.get(node.text);
    if (!initializer || seen.has(node.text)) return false;
    return isConstant(initializer, constants, new Set([...seen, node.text]));
  }
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) return isColumnTypesParameter(node, node.expression.text);
  return false;
}

/** An interpolated part that is safe: constant, or an identifier quoted by the helper. */
function isSafePart(node: ts.Expression, constants: Map<string, ts.Expression>): boolean {
  if (isConstant(node, constants)) return true;
  return ts.isCallExpression(node) && ts.isIdentifier(node.expression) && QUOTING_HELPERS.has(node.expression.text);
}

/** The regular expressions of a file: `const NAME = /…/` (so `NAME.exec(text)` is not SQL). */
function isRegExp(node: ts.Expression, constants: Map<string, ts.Expression>): boolean {
  if (ts.isRegularExpressionLiteral(node)) return true;
  if (ts.isIdentifier(node)) {
    const initializer = constants.get(node.text);
    return initializer !== undefined && (ts.isRegularExpressionLiteral(initializer) || /^new RegExp\(/.test(initializer.getText()));
  }
  return false;
}

function scan(path: string): Finding[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  return scanSource(source, relative(REPO_ROOT, path).split('\\').join('/'));
}

function scanSource(source: ts.SourceFile, file: string): Finding[] {
  const constants = fileConstants(source);
  const findings: Finding[] = [];
  const report = (node: ts.Node, why: string) =>
    findings.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.getText(), why });

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.arguments.length > 0) {
      const receiver = node.expression.expression.getText();
      const method = node.expression.name.text;
      const argument = node.arguments[0]!;
      if (method === 'raw' && (receiver === 'sql' || receiver === 'CompiledQuery')) {
        if (!isConstant(argument, constants)) report(argument, `${receiver}.raw of text that is not constant`);
      } else if (SQL_METHODS.has(method) && !isRegExp(node.expression.expression, constants)) {
        if (ts.isTemplateExpression(argument)) {
          if (!argument.templateSpans.every((span) => isSafePart(span.expression, constants))) report(argument, `.${method} of an interpolated template`);
        } else if (ts.isBinaryExpression(argument) && argument.operatorToken.kind === ts.SyntaxKind.PlusToken) {
          if (!isConstant(argument, constants)) report(argument, `.${method} of concatenated text`);
        } else if (file.startsWith('src/store/') && !isConstant(argument, constants) && !ts.isObjectLiteralExpression(argument) && !ts.isArrowFunction(argument) && !ts.isFunctionExpression(argument)) {
          // In the store, a variable handed to a database method may hold SQL text built elsewhere.
          if (method !== 'execute' && method !== 'exec') report(argument, `.${method} of text held in a variable`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

describe('no SQL built from strings', () => {
  const files = sourceFiles(join(REPO_ROOT, 'src'));
  const findings = files.flatMap(scan);
  const allowed = (finding: Finding) => ALLOWED.some(([file, text]) => file === finding.file && text === finding.text);

  it('scans the whole source tree, the store included', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((file) => file.endsWith('src/store/record-repository.ts'))).toBe(true);
  });

  it('finds every interpolation into SQL reviewed and allowed (file, text and reason in ALLOWED)', () => {
    const unreviewed = findings.filter((finding) => !allowed(finding)).map((f) => `${f.file}:${f.line} ${f.why}: ${f.text}`);
    expect(unreviewed).toEqual([]);
  });

  it('has no stale entries: each allowed interpolation still exists', () => {
    const stale = ALLOWED.filter(([file, text]) => !findings.some((finding) => finding.file === file && finding.text === text));
    expect(stale).toEqual([]);
  });

  it('recognises what it must: interpolated values, concatenation, raw variables; not constants, quoted identifiers or bound values', () => {
    const probe = (code: string) => scanSource(ts.createSourceFile('probe.ts', code, ts.ScriptTarget.Latest, true), 'src/store/probe.ts').length;
    expect(probe('client.query(`select * from company where name = \'${name}\'`);')).toBe(1);
    expect(probe("client.query('select * from company where name = ' + name);")).toBe(1);
    expect(probe('sql.raw(`delete from ${table}`);')).toBe(1);
    expect(probe('sql.raw(userInput);')).toBe(1);
    expect(probe("const LIMIT = 5; client.query(`select 1 limit ${LIMIT}`); sql.raw('bigint'); sql.raw(String(LIMIT));")).toBe(0);
    expect(probe('client.query(`vacuum ${quoteIdentifier(table)}`);')).toBe(0);
    expect(probe('sql`select * from company where name = ${name}`.execute(db);')).toBe(0);
    expect(probe('function up(db, t: ColumnTypes) { db.addColumn("x", sql.raw(t.text)); }')).toBe(0);
    expect(probe('const DATE = /^x$/; DATE.exec(text); /y/.exec(text);')).toBe(0);
    expect(probe('db.prepare(statementText);')).toBe(1);
  });
});
