/**
 * The NXT metadata API: describe (GET with the flags connectors send, POST with objectNames) and
 * the object list (GET list, POST objects with and without a trailing slash).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { expectLookupMetadata } from '../helpers/nxt.js';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';

const OBJECT_NOT_FOUND = 'Requested object not found.';
const OBJECT_KEYS = ['objectName', 'label', 'labelPlural', 'objectType', 'description', 'createable', 'fields'];
const FIELD_KEYS = ['fieldName', 'label', 'dataType', 'objectName', 'meta'];
const META_KEYS = [
  'required', 'nillable', 'readOnly', 'createable', 'updateable', 'filterable', 'sortable', 'length', 'decimalPlaces',
  'formulaField', 'hasLookup', 'lookupDetail',
];
const LIST_KEYS = ['objectName', 'label', 'objectType', 'createable', 'readable'];

const FIELDS: Record<string, string[]> = {
  Company: [
    'Gsid', 'Name', 'Industry', 'ARR', 'Stage', 'Status', 'CSMName', 'Employees', 'OriginalContractDate', 'RenewalDate',
    'Csm', 'ParentCompany', 'Mrr', 'Users', 'LifecycleInWeeks', 'CustomerlifetimeInMonths', 'CompanyType', 'ManagedAs',
    'Tags', 'TickerSymbol', 'SfdcAccountId', 'BillingAddress', 'Summary', 'IndustryNew', 'CreatedDate', 'ModifiedDate',
  ],
  Person: [
    'Gsid', 'FirstName', 'LastName', 'Email', 'Role', 'Location', 'Name', 'MiddleName', 'LinkedinUrl', 'Timezone',
    'Comments', 'EmailOptOut', 'DynamicResolutionKey', 'MasterRecordID', 'MasterAvatarTypeCode', 'CreatedDate',
    'ModifiedDate',
  ],
  company_person: ['Gsid', 'Company_ID', 'Person_ID', 'Role', 'Title', 'Active', 'CreatedDate', 'ModifiedDate'],
  gsuser: [
    'Gsid', 'Name', 'FirstName', 'LastName', 'Email', 'Title', 'LicenseType', 'SFDCUserName', 'IsActiveUser',
    'CreatedDate', 'ModifiedDate',
  ],
};

/** Data types the contract states. */
const DATA_TYPES: Record<string, Record<string, string>> = {
  Company: {
    ARR: 'CURRENCY',
    Mrr: 'CURRENCY',
    Employees: 'NUMBER',
    Users: 'NUMBER',
    LifecycleInWeeks: 'NUMBER',
    CustomerlifetimeInMonths: 'NUMBER',
    OriginalContractDate: 'DATE',
    RenewalDate: 'DATE',
    Csm: 'LOOKUP',
    ParentCompany: 'LOOKUP',
    CSMName: 'STRING',
    CompanyType: 'STRING',
    ManagedAs: 'STRING',
    Tags: 'STRING',
    TickerSymbol: 'STRING',
    SfdcAccountId: 'STRING',
    BillingAddress: 'STRING',
    Summary: 'RICHTEXTAREA',
    IndustryNew: 'STRING',
    CreatedDate: 'DATETIME',
    ModifiedDate: 'DATETIME',
  },
  Person: { LinkedinUrl: 'URL', EmailOptOut: 'BOOLEAN', CreatedDate: 'DATETIME', ModifiedDate: 'DATETIME' },
  company_person: { Company_ID: 'LOOKUP', Person_ID: 'LOOKUP', Active: 'BOOLEAN', CreatedDate: 'DATETIME' },
  gsuser: { IsActiveUser: 'BOOLEAN', CreatedDate: 'DATETIME' },
};

const LOOKUPS: Record<string, Record<string, string>> = {
  Company: { Csm: 'gsuser', ParentCompany: 'Company' },
  Person: {},
  company_person: { Company_ID: 'Company', Person_ID: 'Person' },
  gsuser: {},
};

const REQUIRED: Record<string, string[]> = {
  Company: ['Name'],
  Person: [],
  company_person: ['Company_ID', 'Person_ID'],
  gsuser: ['Email'],
};

const CONNECTOR_QUERIES = ['', '?ic=false&cl=0&idd=false&ihc=false&piec=false', '?idd=true', '?ci=mda&idd=true'];

describeEachBackend('NXT metadata', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  async function describeObject(object: string, query = ''): Promise<any> {
    const res = await t.request('GET', `/v1/meta/services/objects/${object}/describe${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Array.isArray(res.body.data)).toBe(true);
    expect(res.body.data).toHaveLength(1);
    return res.body.data[0];
  }

  describe('describe', () => {
    it.each(CONNECTOR_QUERIES)('GET Company/describe%s: the same answer for every connector flag set', async (query) => {
      const res = await t.request('GET', `/v1/meta/services/objects/Company/describe${query}`);
      expect(res.body).toEqual({
        result: true,
        errorCode: null,
        errorDesc: null,
        requestId: expect.any(String),
        data: [expect.objectContaining({ objectName: 'Company' })],
        message: null,
      });
      expect(res.body.data).toEqual((await t.request('GET', '/v1/meta/services/objects/Company/describe')).body.data);
    });

    it.each(Object.keys(FIELDS))('%s: object and field shapes (the contract’s keys), exactly the contract’s fields', async (object) => {
      const described = await describeObject(object, '?idd=true');
      // The contract lists these keys; more (a field description) are allowed.
      expect(Object.keys(described)).toEqual(expect.arrayContaining(OBJECT_KEYS));
      expect(described.objectName).toBe(object);
      expect(typeof described.label).toBe('string');
      expect(typeof described.labelPlural).toBe('string');
      expect(['STANDARD', 'CUSTOM']).toContain(described.objectType);
      expect(typeof described.createable).toBe('boolean');
      expect(described.createable).toBe(true);
      expect(described.fields.map((f: { fieldName: string }) => f.fieldName).sort()).toEqual([...FIELDS[object]!].sort());
      for (const field of described.fields) {
        const where = `${object}.${field.fieldName}`;
        expect(Object.keys(field), where).toEqual(expect.arrayContaining(FIELD_KEYS));
        expect(Object.keys(field.meta), where).toEqual(expect.arrayContaining(META_KEYS));
        expect(field.objectName, where).toBe(object);
        expect(typeof field.label, where).toBe('string');
        expect(typeof field.dataType, where).toBe('string');
        for (const flag of ['required', 'nillable', 'readOnly', 'createable', 'updateable', 'filterable', 'sortable', 'formulaField', 'hasLookup']) {
          expect(typeof field.meta[flag], `${where}.${flag}`).toBe('boolean');
        }
        expect(field.meta.required && field.meta.nillable, `${where}: required fields are not nillable`).toBe(false);
      }
    });

    it.each(Object.keys(DATA_TYPES))('%s: data types as the contract states', async (object) => {
      const described = await describeObject(object);
      const types = Object.fromEntries(described.fields.map((f: { fieldName: string; dataType: string }) => [f.fieldName, f.dataType]));
      expect(types).toMatchObject(DATA_TYPES[object]!);
    });

    it.each(Object.keys(LOOKUPS))('%s: lookup fields (LOOKUP, hasLookup, lookupDetail) and no lookupDetail elsewhere', async (object) => {
      const described = await describeObject(object, '?ci=mda&idd=true');
      for (const field of described.fields) expectLookupMetadata(field, LOOKUPS[object]![field.fieldName]);
    });

    it.each(Object.keys(REQUIRED))('%s: required, read-only and writable flags', async (object) => {
      const described = await describeObject(object);
      const byName = new Map<string, any>(described.fields.map((f: { fieldName: string }) => [f.fieldName, f]));
      for (const name of REQUIRED[object]!) expect(byName.get(name).meta.required, name).toBe(true);
      for (const name of ['CreatedDate', 'ModifiedDate']) {
        expect(byName.get(name).meta).toMatchObject({ readOnly: true, createable: false, updateable: false, required: false });
      }
      expect(byName.get('Gsid').meta).toMatchObject({ required: false, readOnly: true });
      for (const field of described.fields) {
        if (['Gsid', 'CreatedDate', 'ModifiedDate'].includes(field.fieldName)) continue;
        // A link's ends are set on create and never changed.
        const immutable = object === 'company_person' && ['Company_ID', 'Person_ID'].includes(field.fieldName);
        expect(field.meta, field.fieldName).toMatchObject({ readOnly: false, createable: true, updateable: !immutable });
        if (!REQUIRED[object]!.includes(field.fieldName)) expect(field.meta.required, field.fieldName).toBe(false);
      }
    });

    it('Company Name: STRING with a positive length; CURRENCY fields have decimalPlaces', async () => {
      const described = await describeObject('Company');
      const name = described.fields.find((f: { fieldName: string }) => f.fieldName === 'Name');
      expect(name.dataType).toBe('STRING');
      expect(name.meta.length).toBeGreaterThan(0);
      const arr = described.fields.find((f: { fieldName: string }) => f.fieldName === 'ARR');
      expect(typeof arr.meta.decimalPlaces === 'number' || arr.meta.decimalPlaces === null).toBe(true);
    });

    it.each(['company', 'COMPANY', 'Company', 'PERSON', 'GsUser', 'Company_Person'])('object name %s is case-insensitive', async (object) => {
      const described = await describeObject(object);
      expect(described.objectName.toLowerCase()).toBe(object.toLowerCase());
      expect(Object.keys(FIELDS)).toContain(described.objectName);
    });

    it('GET describe of an unknown object: 400 GSAPI_4001 "Requested object not found."', async () => {
      const res = await t.request('GET', '/v1/meta/services/objects/Opportunity/describe?idd=true');
      expectError(res, 400, 'GSAPI_4001');
      expect(res.body.errorDesc).toBe(OBJECT_NOT_FOUND);
      expect(res.body.message).toBe(OBJECT_NOT_FOUND);
    });

    it('POST describe {objectNames}: one entry per name, in order, equal to the GET answer', async () => {
      const res = await t.request('POST', '/v1/meta/services/objects/describe', { body: { objectNames: ['Person', 'company', 'gsuser'] } });
      expect(res.status).toBe(200);
      expect(res.body.data.map((o: { objectName: string }) => o.objectName)).toEqual(['Person', 'Company', 'gsuser']);
      expect(res.body.data[1]).toEqual(await describeObject('Company'));
    });

    it('POST describe with an unknown name among known ones: 400 GSAPI_4001 "Requested object not found."', async () => {
      const res = await t.request('POST', '/v1/meta/services/objects/describe', { body: { objectNames: ['Company', 'Ghost'] } });
      expectError(res, 400, 'GSAPI_4001');
      expect(res.body.errorDesc).toBe(OBJECT_NOT_FOUND);
    });

    it('POST describe without objectNames is a 400, never a 5xx', async () => {
      for (const body of [{}, { objectNames: 'Company' }, { objectNames: [42] }]) {
        const res = await t.request('POST', '/v1/meta/services/objects/describe', { body });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
    });
  });

  describe('list', () => {
    async function list(method: string, url: string, body?: unknown): Promise<any[]> {
      const res = await t.request(method, url, { body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.errorCode).toBeNull();
      expect(Array.isArray(res.body.data), 'data is a bare array').toBe(true);
      return res.body.data;
    }

    it('GET list: every object with exactly {objectName,label,objectType,createable,readable}', async () => {
      const objects = await list('GET', '/v1/meta/services/objects/list');
      expect(objects.map((o) => o.objectName)).toEqual(expect.arrayContaining(Object.keys(FIELDS)));
      for (const object of objects) {
        expect(Object.keys(object).sort()).toEqual([...LIST_KEYS].sort());
        expect(['STANDARD', 'CUSTOM']).toContain(object.objectType);
        expect(typeof object.label).toBe('string');
        expect(typeof object.createable).toBe('boolean');
        expect(typeof object.readable).toBe('boolean');
      }
      const company = objects.find((o) => o.objectName === 'Company');
      expect(company).toMatchObject({ objectType: 'STANDARD', readable: true, createable: true });
    });

    it('POST objects and POST objects/ with {"externalUse":"true"} answer the same bare array', async () => {
      const expected = await list('GET', '/v1/meta/services/objects/list');
      expect(await list('POST', '/v1/meta/services/objects', { externalUse: 'true' })).toEqual(expected);
      expect(await list('POST', '/v1/meta/services/objects/', { externalUse: 'true' })).toEqual(expected);
    });

    it('POST objects accepts any body', async () => {
      const expected = await list('GET', '/v1/meta/services/objects/list');
      for (const body of [{}, { externalUse: true }, { externalUse: 'false', other: [1, 2] }]) {
        expect(await list('POST', '/v1/meta/services/objects', body)).toEqual(expected);
      }
    });

    it('every listed object can be described, and the description agrees with the list entry', async () => {
      for (const entry of await list('GET', '/v1/meta/services/objects/list')) {
        const described = await describeObject(entry.objectName);
        expect(described.objectName).toBe(entry.objectName);
        expect(described.objectType).toBe(entry.objectType);
        expect(described.label).toBe(entry.label);
        expect(described.createable).toBe(entry.createable);
      }
    });
  });
});
