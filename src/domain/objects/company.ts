import { MAX_AMOUNT, MAX_INTEGER, defineObject } from '../object-model.js';

/**
 * Gainsight's standard Company object, as the seed spec describes it (`Company`, `CompanyInput`).
 * `CSMName` and `OriginalContractDate` are writable here although the seed's `CompanyInput`
 * omits them: without that, no client could ever set them.
 */
export const Company = defineObject({
  name: 'Company',
  plural: 'companies',
  table: 'company',
  fields: {
    Gsid: { type: 'gsid', readOnly: true, description: 'Gainsight unique identifier' },
    Name: { type: 'string', required: true, description: 'Company name' },
    Industry: { type: 'string', description: 'Industry classification' },
    // Bounded so that sums over millions of companies stay exact-ish and finite on every backend.
    ARR: { type: 'number', minimum: -MAX_AMOUNT, maximum: MAX_AMOUNT, description: 'Annual recurring revenue' },
    LifecycleStage: { type: 'string', description: 'Current lifecycle stage' },
    Status: { type: 'string', description: 'Company status' },
    CSMName: { type: 'string', description: 'Customer success manager name' },
    Employees: { type: 'integer', minimum: 0, maximum: MAX_INTEGER, description: 'Number of employees' },
    OriginalContractDate: { type: 'date', description: 'Original contract start date' },
    RenewalDate: { type: 'date', description: 'Next renewal date' },
    CreatedDate: { type: 'datetime', readOnly: true, description: 'Record creation timestamp' },
    ModifiedDate: { type: 'datetime', readOnly: true, description: 'Record last modified timestamp' },
  },
});
