import { MAX_AMOUNT, MAX_INTEGER, defineObject, GSID_FIELD, TIMESTAMP_FIELDS } from '../object-model.js';

/**
 * Gainsight's standard Company object. The seed surface shows the seed's fields (`Company`,
 * `CompanyInput`); `CSMName` and `OriginalContractDate` are writable there although the seed's
 * `CompanyInput` omits them: without that, no client could ever set them. The NXT surface shows
 * the standard fields real integrations (RudderStack's group call, Pipedream) read and write;
 * `LifecycleStage` is called `Stage` there.
 */
export const Company = defineObject({
  name: 'Company',
  plural: 'companies',
  labelPlural: 'Companies',
  description: 'A customer account',
  table: 'company',
  fields: {
    Gsid: GSID_FIELD,
    Name: { type: 'string', required: true, indexed: true, description: 'Company name' },
    Industry: { type: 'string', description: 'Industry classification' },
    // Bounded so that sums over millions of companies stay exact-ish and finite on every backend.
    ARR: { type: 'number', dataType: 'CURRENCY', minimum: -MAX_AMOUNT, maximum: MAX_AMOUNT, description: 'Annual recurring revenue' },
    LifecycleStage: { type: 'string', nxt: 'Stage', description: 'Current lifecycle stage' },
    Status: { type: 'string', description: 'Company status' },
    CSMName: { type: 'string', description: 'Customer success manager name' },
    Employees: { type: 'integer', minimum: 0, maximum: MAX_INTEGER, description: 'Number of employees' },
    OriginalContractDate: { type: 'date', description: 'Original contract start date' },
    RenewalDate: { type: 'date', description: 'Next renewal date' },
    Csm: { type: 'gsid', references: 'gsuser', seed: false, label: 'CSM', description: 'Customer success manager (a gsuser)' },
    ParentCompany: { type: 'gsid', references: 'Company', seed: false, description: 'Parent company' },
    Mrr: { type: 'number', dataType: 'CURRENCY', minimum: -MAX_AMOUNT, maximum: MAX_AMOUNT, seed: false, label: 'MRR', description: 'Monthly recurring revenue' },
    Users: { type: 'integer', minimum: 0, maximum: MAX_INTEGER, seed: false, description: 'Number of users' },
    LifecycleInWeeks: { type: 'integer', minimum: 0, maximum: MAX_INTEGER, seed: false, description: 'Weeks since the customer started' },
    CustomerlifetimeInMonths: { type: 'integer', minimum: 0, maximum: MAX_INTEGER, seed: false, label: 'Customer Lifetime in Months', description: 'Months since the customer started' },
    CompanyType: { type: 'string', seed: false, description: 'Company type' },
    ManagedAs: { type: 'string', seed: false, description: 'How the account is managed' },
    Tags: { type: 'string', maxLength: 2000, seed: false, description: 'Tags' },
    TickerSymbol: { type: 'string', seed: false, description: 'Stock ticker symbol' },
    SfdcAccountId: { type: 'string', seed: false, label: 'SFDC Account ID', description: 'Salesforce account id' },
    BillingAddress: { type: 'string', maxLength: 2000, seed: false, description: 'Billing address' },
    Summary: { type: 'string', dataType: 'RICHTEXTAREA', maxLength: 131_072, seed: false, description: 'Account summary' },
    IndustryNew: { type: 'string', seed: false, label: 'Industry (New)', description: 'Industry (Gainsight standard picklist field)' },
    ...TIMESTAMP_FIELDS,
  },
  indexes: [
    // The seed list order, and sync jobs that page by ModifiedDate then Gsid.
    { fields: ['CreatedDate', 'Gsid'], name: 'company_created_idx' },
    { fields: ['ModifiedDate', 'Gsid'] },
  ],
  helperLookups: [
    { target: 'Csm', object: 'gsuser', match: { CSMFirstName: 'FirstName', CSMLastName: 'LastName' } },
    { target: 'ParentCompany', object: 'Company', match: { ParentCompanyName: 'Name' } },
  ],
});
