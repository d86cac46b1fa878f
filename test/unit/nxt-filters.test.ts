/**
 * The filter model in the NXT dialect (lookup paths `X__gr.Field`, lenient values) against the
 * reports' dialect (`CompanyId.Name`, strict JSON values).
 */
import { describe, expect, it } from 'vitest';
import {
  NXT_DIALECT,
  REPORT_DIALECT,
  parseFilter,
  resolveFieldRef,
  type Dialect,
  type Predicate,
} from '../../src/domain/filters.js';
import { viewOf, type ObjectDescription } from '../../src/domain/object-model.js';
import { Company, CompanyPerson, GsUser, Person, builtinRegistry } from '../../src/domain/objects/index.js';
import { thrown } from '../helpers/thrown.js';

const nxtLookUp = builtinRegistry.surfaceLookUp('nxt');
const reportLookUp = builtinRegistry.surfaceLookUp(undefined);
const nxtCompany = viewOf(Company, 'nxt');
const nxtLink = viewOf(CompanyPerson, 'nxt');
const nxtUser = viewOf(GsUser, 'nxt');


const nxt = (object: ObjectDescription, path: string) => resolveFieldRef(object, path, 'where', nxtLookUp, NXT_DIALECT);
const report = (object: ObjectDescription, path: string) => resolveFieldRef(object, path, 'where', reportLookUp, REPORT_DIALECT);

describe('resolveFieldRef in the NXT dialect', () => {
  it('resolves an own field with no hops', () => {
    const ref = nxt(nxtCompany, 'Name');
    expect(ref.path).toBe('Name');
    expect(ref.field).toBe(nxtCompany.fieldByName.get('Name'));
    expect(ref.hops).toEqual([]);
  });

  it('follows Company_ID__gr.Csm__gr.Name hop by hop over the NXT views', () => {
    const ref = nxt(nxtLink, 'Company_ID__gr.Csm__gr.Name');
    expect(ref.path).toBe('Company_ID__gr.Csm__gr.Name');
    expect(ref.hops.map((hop) => [hop.field.name, hop.target.name])).toEqual([
      ['Company_ID', 'Company'],
      ['Csm', 'gsuser'],
    ]);
    expect(ref.hops[0]!.field).toBe(nxtLink.fieldByName.get('Company_ID'));
    expect(ref.hops[0]!.target).toBe(nxtCompany);
    expect(ref.hops[1]!.field).toBe(nxtCompany.fieldByName.get('Csm'));
    expect(ref.hops[1]!.target).toBe(nxtUser);
    expect(ref.field).toBe(nxtUser.fieldByName.get('Name'));
  });

  it('reaches the NXT names of the referenced object (Stage, not LifecycleStage)', () => {
    const ref = nxt(nxtLink, 'Company_ID__gr.Stage');
    expect(ref.field.name).toBe('Stage');
    expect(ref.field.column).toBe('lifecycle_stage');
    expect(thrown(() => nxt(nxtLink, 'Company_ID__gr.LifecycleStage')).code).toBe('GSOBJ_1002');
  });

  it('allows three hops', () => {
    const ref = nxt(nxtLink, 'Company_ID__gr.ParentCompany__gr.Csm__gr.Email');
    expect(ref.hops.map((hop) => hop.target.name)).toEqual(['Company', 'Company', 'gsuser']);
    expect(ref.field.name).toBe('Email');
  });

  it.each([
    ['company_id__GR.name', ['Company_ID'], 'Name'],
    ['COMPANY_ID__gr.csm__Gr.EMAIL', ['Company_ID', 'Csm'], 'Email'],
    ['company_id__gr.arr', ['Company_ID'], 'ARR'],
    ['gsid', [], 'Gsid'],
  ])('matches %s ignoring case, keeping the path verbatim', (path, hops, field) => {
    const ref = nxt(nxtLink, path);
    expect(ref.path).toBe(path);
    expect(ref.hops.map((hop) => hop.field.name)).toEqual(hops);
    expect(ref.field.name).toBe(field);
  });

  it('rejects a path of four hops with GSOBJ_1008 naming where it sits', () => {
    const error = thrown(() => nxt(nxtLink, 'Company_ID__gr.ParentCompany__gr.ParentCompany__gr.Csm__gr.Name'));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.field).toBe('where');
    expect(error.message).toMatch(/4 lookups/);
    expect(error.message).toMatch(/at most 3/);
  });

  it.each([
    ['Name__gr.Name', nxtCompany],
    ['ARR__gr.Name', nxtCompany],
    ['Company_ID__gr.Name__gr.Name', nxtLink],
  ])('rejects __gr on a field that is not a lookup (%s) with GSOBJ_1002', (path, object) => {
    const error = thrown(() => nxt(object, path));
    expect(error.code).toBe('GSOBJ_1002');
    expect(error.field).toBe(`where = ${path}`);
  });

  it.each([
    // A lookup followed without __gr is the reports' form, not NXT's.
    ['Company_ID.Name', nxtLink],
    ['Nope__gr.Name', nxtLink],
    ['Company_ID__gr.Nope', nxtLink],
    ['Company_ID__gr', nxtLink],
    ['__gr.Name', nxtLink],
    ['Nope', nxtCompany],
    // A seed-only field is not on the NXT view.
    ['LifecycleStage', nxtCompany],
  ])('rejects %s with GSOBJ_1002', (path, object) => {
    expect(thrown(() => nxt(object, path)).code).toBe('GSOBJ_1002');
  });

  it('requires a non-empty field name', () => {
    expect(thrown(() => nxt(nxtCompany, '')).code).toBe('GSOBJ_1007');
  });
});

describe('resolveFieldRef in the report dialect', () => {
  it('still takes CompanyId.Name, one hop over the canonical objects', () => {
    const ref = report(Person, 'CompanyId.Name');
    expect(ref.hops.map((hop) => [hop.field.name, hop.target])).toEqual([['CompanyId', Company]]);
    expect(ref.field).toBe(Company.fieldByName.get('Name'));
  });

  it.each([['CompanyId__gr.Name'], ['CompanyId.Industry__gr'], ['companyid.Name'], ['CompanyId.name'], ['CompanyId.Csm.Name']])(
    'rejects %s (no __gr, exact names, one hop) with GSOBJ_1002',
    (path) => {
      expect(thrown(() => report(Person, path)).code).toBe('GSOBJ_1002');
    },
  );

  it('is the default dialect', () => {
    expect(resolveFieldRef(Person, 'CompanyId.Name', 'where', reportLookUp).field.name).toBe('Name');
    expect(thrown(() => resolveFieldRef(Person, 'CompanyId__gr.Name', 'where', reportLookUp)).code).toBe('GSOBJ_1002');
  });
});

/** The single value of a one-condition filter. */
function valueOf(predicate: Predicate | undefined): unknown {
  if (!predicate) throw new Error('no predicate');
  if (predicate.kind === 'compare') return predicate.value;
  if (predicate.kind === 'in') return predicate.values;
  if (predicate.kind === 'between') return [predicate.low, predicate.high];
  throw new Error(`unexpected ${predicate.kind}`);
}

const filter = (object: ObjectDescription, input: unknown, dialect: Dialect) =>
  parseFilter(input, { object, lookUp: dialect === NXT_DIALECT ? nxtLookUp : reportLookUp, where: 'where', dialect });

const condition = (name: string, operator: string, value: unknown[]) => ({ conditions: [{ name, operator, value }] });

describe('parseFilter with lenient values (NXT dialect)', () => {
  it('reads ["120000"] on ARR as 120000, in both forms', () => {
    expect(valueOf(filter(nxtCompany, { ARR: ['120000'] }, NXT_DIALECT))).toEqual([120000]);
    expect(valueOf(filter(nxtCompany, condition('ARR', 'EQ', ['120000']), NXT_DIALECT))).toBe(120000);
    expect(valueOf(filter(nxtCompany, condition('ARR', 'BTW', ['1e3', ' 2500.5 ']), NXT_DIALECT))).toEqual([1000, 2500.5]);
    expect(valueOf(filter(nxtCompany, { ARR: '-1.5' }, NXT_DIALECT))).toBe(-1.5);
  });

  it('reads numeric strings through lookups too', () => {
    const predicate = filter(nxtLink, condition('Company_ID__gr.ARR', 'GT', ['120000']), NXT_DIALECT);
    expect(predicate).toMatchObject({ kind: 'compare', op: 'GT', value: 120000 });
  });

  it('reads integers leniently but still as integers', () => {
    expect(valueOf(filter(nxtCompany, condition('Employees', 'EQ', ['250']), NXT_DIALECT))).toBe(250);
    expect(valueOf(filter(nxtCompany, condition('Employees', 'EQ', ['1e3']), NXT_DIALECT))).toBe(1000);
    for (const bad of ['12.5', '1e10', 'abc', '']) {
      expect(thrown(() => filter(nxtCompany, condition('Employees', 'EQ', [bad]), NXT_DIALECT)).code, bad).toBe('GSOBJ_1008');
    }
  });

  it.each([[['true']], [[true]], [['TRUE']], [[' true ']]])('reads %j on a boolean as 1', (value) => {
    expect(valueOf(filter(nxtLink, condition('Active', 'EQ', value), NXT_DIALECT))).toBe(1);
    expect(valueOf(filter(nxtCompany, condition('Csm__gr.IsActiveUser', 'EQ', value), NXT_DIALECT))).toBe(1);
  });

  it('reads "false" and false on a boolean as 0, and IN lists each value', () => {
    expect(valueOf(filter(nxtLink, condition('Active', 'EQ', ['false']), NXT_DIALECT))).toBe(0);
    expect(valueOf(filter(nxtLink, { Active: false }, NXT_DIALECT))).toBe(0);
    expect(valueOf(filter(nxtLink, { Active: ['true', false] }, NXT_DIALECT))).toEqual([1, 0]);
  });

  it.each([['yes'], ['1'], [1], ['']])('rejects %j on a boolean', (value) => {
    const error = thrown(() => filter(nxtLink, condition('Active', 'EQ', [value]), NXT_DIALECT));
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.field).toBe('where.conditions[0].value[0]');
  });

  it.each([
    ['2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00.000Z'],
    ['2021-01-01T00:00Z', '2021-01-01T00:00:00.000Z'],
    ['2021-01-01 00:00:00', '2021-01-01T00:00:00.000Z'],
    ['2021-01-01', '2021-01-01T00:00:00.000Z'],
    ['2024-01-01T05:30:00+05:30', '2024-01-01T00:00:00.000Z'],
    [1609459200000, '2021-01-01T00:00:00.000Z'],
  ])('normalises the date-time %j to %j', (value, iso) => {
    expect(valueOf(filter(nxtCompany, condition('ModifiedDate', 'GTE', [value]), NXT_DIALECT))).toBe(iso);
  });

  it.each([['2021-02-30'], ['2021-01-01T24:00:00Z'], [1.5], ['soon']])('rejects the date-time %j with GSOBJ_1005', (value) => {
    const error = thrown(() => filter(nxtCompany, condition('CreatedDate', 'LT', [value]), NXT_DIALECT));
    expect(error.code).toBe('GSOBJ_1005');
    expect(error.field).toBe('where.conditions[0].value[0]');
  });

  it('reads MM-DD-YYYY dates and rejects impossible ones with GSOBJ_1006', () => {
    expect(valueOf(filter(nxtCompany, condition('RenewalDate', 'EQ', ['01-31-2021']), NXT_DIALECT))).toBe('2021-01-31');
    expect(valueOf(filter(nxtCompany, condition('RenewalDate', 'EQ', ['2021-01-31']), NXT_DIALECT))).toBe('2021-01-31');
    expect(thrown(() => filter(nxtCompany, condition('RenewalDate', 'EQ', ['13-01-2021']), NXT_DIALECT)).code).toBe('GSOBJ_1006');
    expect(thrown(() => filter(nxtCompany, condition('RenewalDate', 'EQ', ['02-30-2021']), NXT_DIALECT)).code).toBe('GSOBJ_1006');
  });

  it('matches field names by the NXT rule inside filters', () => {
    expect(filter(nxtCompany, condition('arr', 'EQ', ['5']), NXT_DIALECT)).toMatchObject({ kind: 'compare', value: 5 });
    expect(filter(nxtCompany, { stage: 'Adopting' }, NXT_DIALECT)).toMatchObject({ kind: 'compare', value: 'Adopting' });
  });
});

describe('parseFilter with strict values (report dialect)', () => {
  it('takes JSON-typed values as they are', () => {
    expect(valueOf(filter(Company, { ARR: [120000] }, REPORT_DIALECT))).toEqual([120000]);
    expect(valueOf(filter(CompanyPerson, condition('Active', 'EQ', [true]), REPORT_DIALECT))).toBe(1);
    expect(valueOf(filter(Company, condition('CreatedDate', 'GTE', ['2024-01-01T05:30:00+05:30']), REPORT_DIALECT))).toBe(
      '2024-01-01T00:00:00.000Z',
    );
  });

  it('rejects ["120000"] on ARR', () => {
    const error = thrown(() => filter(Company, { ARR: ['120000'] }, REPORT_DIALECT));
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.field).toBe('where.ARR[0]');
    expect(thrown(() => filter(Company, condition('ARR', 'EQ', ['120000']), REPORT_DIALECT)).code).toBe('GSOBJ_1008');
  });

  it('rejects ["250"] on an integer', () => {
    expect(thrown(() => filter(Company, condition('Employees', 'EQ', ['250']), REPORT_DIALECT)).code).toBe('GSOBJ_1008');
  });

  it('rejects ["true"] on a boolean', () => {
    expect(thrown(() => filter(CompanyPerson, condition('Active', 'EQ', ['true']), REPORT_DIALECT)).code).toBe('GSOBJ_1008');
  });

  it.each([['2021-01-01 00:00:00'], ['2021-01-01'], [1609459200000]])('rejects the date-time %j with GSOBJ_1005', (value) => {
    expect(thrown(() => filter(Company, condition('CreatedDate', 'GTE', [value]), REPORT_DIALECT)).code).toBe('GSOBJ_1005');
  });

  it('rejects MM-DD-YYYY dates with GSOBJ_1006', () => {
    expect(thrown(() => filter(Company, condition('RenewalDate', 'EQ', ['01-31-2021']), REPORT_DIALECT)).code).toBe('GSOBJ_1006');
  });

  it('matches field names exactly', () => {
    expect(thrown(() => filter(Company, condition('arr', 'EQ', [5]), REPORT_DIALECT)).code).toBe('GSOBJ_1002');
  });

  it('is what parseFilter uses when no dialect is given', () => {
    expect(thrown(() => parseFilter({ ARR: '120000' }, { object: Company, lookUp: reportLookUp, where: 'where' })).code).toBe(
      'GSOBJ_1008',
    );
  });
});
