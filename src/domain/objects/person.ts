import { defineObject, GSID_FIELD, TIMESTAMP_FIELDS } from '../object-model.js';

/**
 * Gainsight's standard Person object. The seed surface shows the seed's fields (`Person`); the
 * NXT surface adds the fields RudderStack's identify call and Pipedream send, and has no
 * `CompanyId`: there a person belongs to companies through `company_person` links, and the
 * seed's `CompanyId` is always one of them.
 */
export const Person = defineObject({
  name: 'Person',
  plural: 'people',
  labelPlural: 'People',
  description: 'A person at a customer',
  table: 'person',
  fields: {
    Gsid: GSID_FIELD,
    FirstName: { type: 'string', description: 'First name' },
    LastName: { type: 'string', description: 'Last name' },
    Email: { type: 'email', uniqueIgnoringCase: true, description: 'Email address, unique (ignoring case)' },
    CompanyId: {
      type: 'gsid',
      references: 'Company',
      onDelete: 'restrict',
      nxt: false,
      links: { object: 'company_person', self: 'Person_ID', target: 'Company_ID' },
      // The built-in report people-by-company counts people by it.
      keepReferrerCounts: true,
      description: 'Associated company ID (Gsid of a Company)',
    },
    Role: { type: 'string', description: 'Role or title' },
    Location: { type: 'string', description: 'Location' },
    Name: { type: 'string', seed: false, description: 'Full name (defaults to FirstName LastName)' },
    MiddleName: { type: 'string', seed: false, description: 'Middle name' },
    LinkedinUrl: { type: 'string', dataType: 'URL', maxLength: 2000, seed: false, label: 'LinkedIn URL', description: 'LinkedIn profile' },
    Timezone: { type: 'string', seed: false, description: 'Time zone' },
    Comments: { type: 'string', dataType: 'RICHTEXTAREA', maxLength: 131_072, seed: false, description: 'Comments' },
    EmailOptOut: { type: 'boolean', seed: false, description: 'Opted out of email' },
    DynamicResolutionKey: { type: 'string', seed: false, description: 'Key used to resolve the person across sources' },
    MasterRecordID: { type: 'string', seed: false, label: 'Master Record ID', description: 'Id of the master record' },
    MasterAvatarTypeCode: { type: 'string', seed: false, description: 'Avatar type of the master record' },
    ...TIMESTAMP_FIELDS,
  },
  indexes: [
    // The seed list order, overall and of one company.
    { fields: ['CreatedDate', 'Gsid'], name: 'person_created_idx' },
    { fields: ['CompanyId', 'CreatedDate', 'Gsid'], name: 'person_company_idx' },
  ],
  atLeastOneOf: ['FirstName', 'LastName', 'Email', 'Name'],
  nameFrom: ['FirstName', 'LastName'],
});
