/**
 * The one way to put an identifier (a table or column name of the object model) into SQL text
 * that is not built by Kysely: double-quoted, with any double quote in it doubled, so the name can
 * never end the identifier and start SQL of its own. Values never go into SQL text: they are bound
 * parameters. (test/unit/sql-interpolation-scan.test.ts recognises this helper.)
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
