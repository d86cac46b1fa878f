/**
 * Records as files (domain/record-files.ts and the CSV reading of `import`): cells read by field
 * type with errors naming the field, empty vs quoted-empty cells, header checks, rows through the
 * API's validator with the server's fields taken from the file, and CSV lines as export writes them.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { quotedEmptyCells } from '../../src/cli/commands/import.js';
import { ApiError } from '../../src/domain/errors.js';
import { isGsid } from '../../src/domain/gsid.js';
import { Company, CompanyPerson, GsUser, Person } from '../../src/domain/objects/index.js';
import { cellValue, createImportRowReader, csvLine, csvRowValues, fileColumns, formatOfFileName, headerProblem } from '../../src/domain/record-files.js';

const field = (name: string) => Company.fieldByName.get(name)!;

function failure(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('CSV cells as field values', () => {
  it('reads numbers, integers, booleans, dates and date-times from text by the field type', () => {
    expect(cellValue(field('ARR'), '120000')).toBe(120000);
    expect(cellValue(field('ARR'), '-0.5')).toBe(-0.5);
    expect(cellValue(field('ARR'), '1e-7')).toBe(1e-7);
    expect(cellValue(field('Employees'), '250')).toBe(250);
    expect(cellValue(GsUser.fieldByName.get('IsActiveUser')!, 'FALSE')).toBe(false);
    expect(cellValue(field('RenewalDate'), '2027-03-31')).toBe('2027-03-31');
    expect(cellValue(field('RenewalDate'), '03-31-2027')).toBe('2027-03-31');
    // An ISO date-time the API takes stays as written; other forms become ISO 8601 UTC.
    expect(cellValue(field('CreatedDate'), '2026-01-31T12:00:00+05:30')).toBe('2026-01-31T12:00:00+05:30');
    expect(cellValue(field('CreatedDate'), '2026-01-31 12:00:00')).toBe('2026-01-31T12:00:00.000Z');
    // Text is kept as it is, even when it looks like a number or has spaces around it.
    expect(cellValue(field('Industry'), ' 00123 ')).toBe(' 00123 ');
  });

  it('names the field and the text when a cell is not of the field type', () => {
    const number = failure(() => cellValue(field('ARR'), '12k'));
    expect(number.field).toBe('ARR');
    expect(number.code).toBe('GSOBJ_1008');
    expect(number.message).toBe('Invalid field value (ARR): expected a number, got "12k"');
    expect(failure(() => cellValue(field('Employees'), 'many')).message).toContain('expected an integer, got "many"');
    expect(failure(() => cellValue(GsUser.fieldByName.get('IsActiveUser')!, 'yes')).message).toContain('expected true or false, got "yes"');
    expect(failure(() => cellValue(field('RenewalDate'), '2027-02-30')).code).toBe('GSOBJ_1006');
    expect(failure(() => cellValue(field('ModifiedDate'), 'yesterday')).code).toBe('GSOBJ_1005');
  });

  it('an empty cell is no value, a quoted empty cell the empty string (for text; no value otherwise)', () => {
    expect(csvRowValues(Company, { Name: 'Acme', Industry: '', ARR: '' })).toEqual({ Name: 'Acme', Industry: '' });
    expect(csvRowValues(Company, { Name: 'Acme', Status: undefined })).toEqual({ Name: 'Acme' });
  });

  it('finds quoted empty cells in a record, and nothing else', () => {
    expect([...quotedEmptyCells('a,"",,""\n')]).toEqual([1, 3]);
    expect([...quotedEmptyCells('"""a""","x,""y""",""')]).toEqual([2]);
    expect([...quotedEmptyCells('"multi\nline","",z\r\n')]).toEqual([1]);
    expect([...quotedEmptyCells('a,b,c')]).toEqual([]);
  });
});

describe('the header of a CSV file', () => {
  it('takes any subset of the fields in any order', () => {
    expect(headerProblem(Company, ['Name', 'ARR', 'Gsid'])).toBeUndefined();
  });

  it('refuses an unknown column (suggesting the field of another case), and a column twice', () => {
    expect(headerProblem(Company, ['Name', 'arr'])).toBe('column "arr" is not a field of Company; did you mean ARR?');
    expect(headerProblem(Company, ['Name', 'Revenue'])).toMatch(/^column "Revenue" is not a field of Company; its fields are Gsid, Name, /);
    expect(headerProblem(Company, ['Name', 'Name'])).toBe('column "Name" appears twice');
  });
});

describe('rows through the API validator', () => {
  const clock = () => new Date('2026-05-01T10:00:00.000Z');
  const readCompany = createImportRowReader(Company, clock);

  it('keeps the Gsid and the timestamps of a row that has them (an export), in the server form', () => {
    const gsid = '0MX3XKAO02R3VN6BO69Y9D33623HFCO74728';
    const { values, isNew } = readCompany({ Gsid: gsid, CreatedDate: '2026-01-31T12:00:00+05:30', ModifiedDate: '2026-02-01T00:00:00.000Z', Name: 'Acme', ARR: 1 });
    expect(isNew).toBe(false);
    expect(values).toEqual({ Gsid: gsid, CreatedDate: '2026-01-31T06:30:00.000Z', ModifiedDate: '2026-02-01T00:00:00.000Z', Name: 'Acme', ARR: 1 });
  });

  it('gives a row without a Gsid a new one and the import time, and the Name a create derives', () => {
    const { values, isNew } = createImportRowReader(Person, clock)({ FirstName: 'Ada', LastName: 'Lovelace' });
    expect(isNew).toBe(true);
    expect(isGsid(values.Gsid)).toBe(true);
    expect(values.CreatedDate).toBe('2026-05-01T10:00:00.000Z');
    expect(values.ModifiedDate).toBe('2026-05-01T10:00:00.000Z');
    expect(values.Name).toBe('Ada Lovelace');
    // A row with a Gsid is a record as it was: no Name is made up for it.
    expect(createImportRowReader(Person, clock)({ Gsid: values.Gsid, FirstName: 'Ada' }).values.Name).toBeUndefined();
  });

  it('refuses what the API refuses, naming the field: wrong type, missing required, unknown field, bad Gsid', () => {
    expect(failure(() => readCompany({ Name: 'Acme', ARR: '100' })).message).toBe('Invalid field value (ARR): expected a number, got "100"');
    const missing = failure(() => readCompany({ ARR: 100 }));
    expect([missing.code, missing.field]).toEqual(['GSOBJ_1007', 'Name']);
    const unknown = failure(() => readCompany({ Name: 'Acme', name: 'x' }));
    expect([unknown.code, unknown.field]).toEqual(['GSOBJ_1002', 'name']);
    expect(unknown.message).toContain('did you mean Name?');
    const gsid = failure(() => readCompany({ Name: 'Acme', Gsid: 'abc' }));
    expect([gsid.code, gsid.field]).toEqual(['GSOBJ_1004', 'Gsid']);
    expect(failure(() => readCompany({ Name: 'Acme', CreatedDate: 1_700_000_000_000 })).code).toBe('GSOBJ_1005');
    expect(failure(() => readCompany(['Acme'])).message).toContain('not an array');
    // A person needs a name or an email, as on create.
    expect(failure(() => createImportRowReader(Person, clock)({ Role: 'x' })).code).toBe('GSOBJ_1007');
    // A link's ends are required.
    expect(failure(() => createImportRowReader(CompanyPerson, clock)({ Role: 'x' })).code).toBe('GSOBJ_1007');
  });

  it('null in a JSON row is no value for an optional field', () => {
    expect(readCompany({ Name: 'Acme', Industry: null }).values).not.toHaveProperty('Industry');
  });
});

describe('CSV lines as export writes them', () => {
  it('quotes only what needs it, doubles quotes, writes the empty string as "" and no value as nothing', () => {
    expect(csvLine(['a', '', undefined, 'x,y', 'say "hi"', 'two\nlines', 'cr\r\nlf', '  padded  '])).toBe(
      'a,"",,"x,y","say ""hi""","two\nlines","cr\r\nlf",  padded  \n',
    );
  });

  it('is read back by csv-parse to the same cells', () => {
    const cells = ['Ünïcødé 🚀 日本語', '', 'a"b', '1,2', 'l1\nl2', '=1+2', ' '];
    const [parsed] = parse(csvLine(cells), { relax_quotes: false }) as string[][];
    expect(parsed).toEqual(cells);
  });

  it('columns are the fields in the order records are written: Gsid and the dates first', () => {
    expect(fileColumns(Company).map((f) => f.name).slice(0, 4)).toEqual(['Gsid', 'CreatedDate', 'ModifiedDate', 'Name']);
    expect(fileColumns(Company)).toHaveLength(Company.fields.length);
  });

  it('file formats by extension', () => {
    expect(formatOfFileName('a.CSV')).toBe('csv');
    expect(formatOfFileName('a.jsonl')).toBe('jsonl');
    expect(formatOfFileName('a.ndjson')).toBe('jsonl');
    expect(formatOfFileName('a.txt')).toBeUndefined();
  });
});
