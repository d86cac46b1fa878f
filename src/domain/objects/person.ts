import { defineObject } from '../object-model.js';

/** Gainsight's standard Person object, as the seed spec describes it (`Person`). */
export const Person = defineObject({
  name: 'Person',
  plural: 'people',
  table: 'person',
  fields: {
    Gsid: { type: 'gsid', readOnly: true, description: 'Gainsight unique identifier' },
    FirstName: { type: 'string', description: 'First name' },
    LastName: { type: 'string', description: 'Last name' },
    Email: { type: 'email', uniqueIgnoringCase: true, description: 'Email address, unique (ignoring case)' },
    CompanyId: { type: 'gsid', references: 'Company', description: 'Associated company ID (Gsid of a Company)' },
    Role: { type: 'string', description: 'Role or title' },
    Location: { type: 'string', description: 'Location' },
    CreatedDate: { type: 'datetime', readOnly: true, description: 'Record creation timestamp' },
    ModifiedDate: { type: 'datetime', readOnly: true, description: 'Record last modified timestamp' },
  },
  atLeastOneOf: ['FirstName', 'LastName', 'Email'],
});
