import { defineObject } from '../object-model.js';

/** Gainsight's user object: the people who work in Gainsight (CSMs), looked up by Company.Csm. */
export const GsUser = defineObject({
  name: 'gsuser',
  plural: 'users',
  label: 'User',
  description: 'A Gainsight user',
  table: 'gsuser',
  fields: {
    Gsid: { type: 'gsid', readOnly: true, description: 'Gainsight unique identifier', label: 'GSID' },
    Name: { type: 'string', description: 'Full name (defaults to FirstName LastName)' },
    FirstName: { type: 'string', description: 'First name' },
    LastName: { type: 'string', description: 'Last name' },
    Email: { type: 'email', required: true, uniqueIgnoringCase: true, description: 'Email address, unique (ignoring case)' },
    Title: { type: 'string', description: 'Job title' },
    LicenseType: { type: 'string', description: 'License type' },
    SFDCUserName: { type: 'string', label: 'SFDC User Name', description: 'Salesforce user name' },
    IsActiveUser: { type: 'boolean', description: 'Whether the user is active' },
    CreatedDate: { type: 'datetime', readOnly: true, description: 'Record creation timestamp' },
    ModifiedDate: { type: 'datetime', readOnly: true, description: 'Record last modified timestamp' },
  },
  indexes: [{ fields: ['FirstName', 'LastName'] }],
  nameFrom: ['FirstName', 'LastName'],
});
