/** Word lists for generated data: plausible, fictional, and varied enough to group and filter on. */
export const INDUSTRIES = [
  'Software', 'Financial Services', 'Healthcare', 'Manufacturing', 'Retail', 'Education',
  'Media', 'Logistics', 'Telecommunications', 'Energy', 'Hospitality', 'Real Estate',
] as const;

/** Lifecycle stages with weights: most customers are adopting, few are churned. */
export const LIFECYCLE_STAGES: readonly (readonly [string, number])[] = [
  ['Onboarding', 12],
  ['Adopting', 30],
  ['Expanding', 18],
  ['Renewing', 15],
  ['At Risk', 10],
  ['Churned', 5],
  ['Prospect', 10],
];

export const CSM_NAMES = [
  'Avery Chen', 'Jordan Patel', 'Morgan Silva', 'Riley Okafor', 'Casey Nguyen', 'Taylor Brooks',
  'Jamie Rossi', 'Quinn Larsen', 'Drew Kowalski', 'Skyler Haddad', 'Reese Fischer', 'Rowan Mbeki',
];

export const DEMO_COMPANY_NAMES = [
  'Acme Analytics', 'Northwind Traders', 'Bluefin Health', 'Cobalt Logistics', 'Evergreen Schools',
  'Helios Energy', 'Ironclad Manufacturing', 'Juniper Media', 'Keystone Realty', 'Lumen Telecom',
  'Meridian Bank', 'Nimbus Cloud', 'Orchid Hotels', 'Pinnacle Insurance', 'Quantum Robotics',
  'Redwood Retail', 'Summit Outfitters', 'Tidewater Shipping', 'Umbra Security', 'Vertex Payments',
  'Willow Clinics', 'Xenon Labs', 'Yellowstone Foods', 'Zephyr Airlines', 'Atlas Freight',
  'Beacon Learning', 'Cascade Utilities', 'Driftwood Resorts', 'Ember Studios', 'Falcon Aerospace',
  'Granite Construction', 'Harbor Credit Union', 'Indigo Pharma', 'Jasper Telecom', 'Kinetic Motors',
  'Lighthouse Publishing', 'Maple Grocers', 'Nova Biotech', 'Oakridge University', 'Pioneer Solar',
  'Quartz Data', 'Riverbend Hospital', 'Sapphire Wealth', 'Terra Farms', 'Unity Software',
  'Vanguard Logistics', 'Wavelength Radio', 'Apex Fitness', 'Borealis Mining', 'Crescent Apparel',
];

export const NAME_PARTS_A = [
  'Acme', 'Apex', 'Blue', 'Bright', 'Cedar', 'Clear', 'Delta', 'Echo', 'First', 'Golden', 'Green',
  'High', 'Iron', 'Lake', 'Metro', 'North', 'Ocean', 'Prime', 'Red', 'Silver', 'South', 'Star',
  'Summit', 'True', 'United', 'West',
];
export const NAME_PARTS_B = [
  'Analytics', 'Bank', 'Systems', 'Health', 'Logistics', 'Media', 'Labs', 'Foods', 'Energy',
  'Networks', 'Partners', 'Software', 'Retail', 'Capital', 'Works', 'Dynamics', 'Solutions',
];

export const FIRST_NAMES = [
  'Ada', 'Ben', 'Chloe', 'Diego', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kai', 'Lena',
  'Mateo', 'Nadia', 'Omar', 'Priya', 'Rosa', 'Sven', 'Tara', 'Uma', 'Victor', 'Wen', 'Yara', 'Zoe',
];
export const LAST_NAMES = [
  'Adams', 'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fujita', 'Garcia', 'Hughes', 'Ivanova', 'Jensen',
  'Kim', 'Lopez', 'Moreau', 'Novak', 'Olsen', 'Park', 'Quinn', 'Rahman', 'Schmidt', 'Tanaka',
  'Usman', 'Varga', 'Weber', 'Young',
];
export const ROLES = [
  'CEO', 'CTO', 'VP Customer Success', 'Head of Operations', 'Product Manager', 'Engineering Manager',
  'IT Administrator', 'Finance Director', 'Procurement Lead', 'Champion', 'End User', 'Data Analyst',
];
export const LOCATIONS = [
  'New York, US', 'San Francisco, US', 'Austin, US', 'Toronto, CA', 'London, UK', 'Berlin, DE',
  'Paris, FR', 'Amsterdam, NL', 'Stockholm, SE', 'Bangalore, IN', 'Singapore, SG', 'Sydney, AU',
  'Tokyo, JP', 'São Paulo, BR',
];
