import { defineObject, GSID_FIELD, TIMESTAMP_FIELDS } from '../object-model.js';

/** Gainsight's user object: the people who work in Gainsight (CSMs), looked up by Company.Csm. */
export const GsUser = defineObject({
  name: 'gsuser',
  plural: 'users',
  label: 'User',
  description: 'A Gainsight user',
  table: 'gsuser',
  fields: {
    Gsid: GSID_FIELD,
    Name: { type: 'string', description: 'Full name (defaults to FirstName LastName)' },
    FirstName: { type: 'string', description: 'First name' },
    LastName: { type: 'string', description: 'Last name' },
    Email: { type: 'email', required: true, uniqueIgnoringCase: true, description: 'Email address, unique (ignoring case)' },
    Title: { type: 'string', description: 'Job title' },
    LicenseType: { type: 'string', description: 'License type' },
    SFDCUserName: { type: 'string', label: 'SFDC User Name', description: 'Salesforce user name' },
    IsActiveUser: { type: 'boolean', description: 'Whether the user is active' },
    ...TIMESTAMP_FIELDS,
  },
  indexes: [{ fields: ['FirstName', 'LastName'] }],
  nameFrom: ['FirstName', 'LastName'],
});
