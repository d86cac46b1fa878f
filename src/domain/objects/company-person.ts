import { defineObject, GSID_FIELD, TIMESTAMP_FIELDS } from '../object-model.js';

/**
 * The link between a person and a company (a person may belong to several companies). A link's
 * ends never change: a person's seed CompanyId is always one of its links, which moving a link
 * would silently break; delete the link and create another instead.
 */
export const CompanyPerson = defineObject({
  name: 'company_person',
  plural: 'company people',
  label: 'Company Person',
  labelPlural: 'Company People',
  description: 'A person at a company',
  table: 'company_person',
  fields: {
    Gsid: GSID_FIELD,
    Company_ID: { type: 'gsid', required: true, immutable: true, references: 'Company', onDelete: 'cascade', label: 'Company ID', description: 'The company' },
    Person_ID: { type: 'gsid', required: true, immutable: true, references: 'Person', onDelete: 'cascade', label: 'Person ID', description: 'The person' },
    Role: { type: 'string', description: 'Role at the company' },
    Title: { type: 'string', description: 'Title at the company' },
    Active: { type: 'boolean', description: 'Whether the person is active at the company' },
    ...TIMESTAMP_FIELDS,
  },
  uniqueTogether: [['Company_ID', 'Person_ID']],
});
