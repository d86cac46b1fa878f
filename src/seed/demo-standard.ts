/**
 * The `--demo` data of Gainsight's other standard objects, consistent with the demo companies:
 * the CSMs as gsusers, the picklist items Cockpit uses (CTA status, priority, type; task status;
 * success plan status and type) as da_picklist records, and for the companies that need
 * attention (At Risk, Renewing, Onboarding) a CTA owned by their CSM with tasks, a success plan,
 * and timeline activities. Deterministic: the same base date gives the same records.
 */
import { addDays } from '../domain/dates.js';
import { derivedGsid, seededGsid } from '../domain/gsid.js';
import type { FieldValues } from '../domain/object-model.js';
import type { Store } from '../store/store.js';
import { createRandom } from './random.js';
import { CSM_NAMES } from './vocabulary.js';

/** Category name -> item labels, as Cockpit ships them. */
const PICKLISTS: Readonly<Record<string, readonly string[]>> = {
  'CTA Status': ['New', 'Work In Progress', 'Closed Success', 'Closed Lost'],
  'CTA Priority': ['High', 'Medium', 'Low'],
  'CTA Type': ['Risk', 'Opportunity', 'Lifecycle', 'Objective'],
  'CTA Reason': ['Usage Drop', 'Renewal', 'Onboarding', 'Other'],
  'Task Status': ['Open', 'Closed'],
  'Task Priority': ['High', 'Medium', 'Low'],
  'Success Plan Status': ['Draft', 'Active', 'Completed'],
  'Success Plan Type': ['Onboarding', 'Renewal', 'Risk Mitigation'],
};

/** What the CTA of a company in a stage is about: type, reason, name, tasks. */
const PLAYS: Readonly<Record<string, { type: string; reason: string; name: string; tasks: readonly string[]; plan: string }>> = {
  'At Risk': { type: 'Risk', reason: 'Usage Drop', name: 'Usage dropped: recover adoption', tasks: ['Review usage report', 'Call the executive sponsor', 'Agree a recovery plan'], plan: 'Risk Mitigation' },
  Renewing: { type: 'Lifecycle', reason: 'Renewal', name: 'Renewal due: confirm terms', tasks: ['Send renewal quote', 'Hold the renewal call'], plan: 'Renewal' },
  Onboarding: { type: 'Lifecycle', reason: 'Onboarding', name: 'Onboarding: first value', tasks: ['Kickoff meeting', 'Configure integrations', 'Train admins'], plan: 'Onboarding' },
};

export interface StandardDemoResult {
  readonly gsusers: number;
  readonly picklistItems: number;
  readonly ctas: number;
  readonly tasks: number;
  readonly successPlans: number;
  readonly activities: number;
}

const picklistGsid = (category: string, label: string) => derivedGsid(`demo-picklist:${category}:${label}`);

export async function loadStandardDemoData(store: Store, baseDate: string): Promise<StandardDemoResult> {
  const registry = store.registry;
  const object = (name: string) => registry.lookUp(name)!;
  const random = createRandom('demo-standard');
  let clock = Date.parse(`${baseDate}T00:00:00.000Z`);
  const stamp = () => {
    const at = new Date(clock++).toISOString();
    return { Gsid: seededGsid(clock, () => random.int(0, 35)), CreatedDate: at, ModifiedDate: at };
  };

  const users = CSM_NAMES.map((name) => {
    const [first, last] = name.split(' ') as [string, string];
    return { ...stamp(), Name: name, FirstName: first, LastName: last, Email: `${first}.${last}@demo.example.com`.toLowerCase(), Title: 'Customer Success Manager', LicenseType: 'Full', IsActiveUser: true };
  });
  await store.records(object('gsuser')).insertMany(users);
  const userByName = new Map(users.map((user) => [user.Name, user.Gsid]));

  const items: FieldValues[] = [];
  for (const [category, labels] of Object.entries(PICKLISTS)) {
    labels.forEach((label, index) =>
      items.push({
        ...stamp(),
        Gsid: picklistGsid(category, label),
        Name: label,
        Category: category,
        CategoryId: derivedGsid(`demo-category:${category}`),
        DisplayOrder: index + 1,
        IsActive: true,
        SystemDefined: true,
        SystemName: label.replace(/\s+/g, '_'),
        IsDefault: index === 0,
        Deleted: false,
      }),
    );
  }
  await store.records(object('da_picklist')).insertMany(items);

  const companies = (await store.records(object('Company')).list({ offset: 0, limit: 1000 })).records.filter(
    (company) => typeof company.LifecycleStage === 'string' && company.LifecycleStage in PLAYS,
  );
  const plans: FieldValues[] = [];
  const ctas: FieldValues[] = [];
  const tasks: FieldValues[] = [];
  const activities: FieldValues[] = [];
  for (const company of companies) {
    const play = PLAYS[company.LifecycleStage as string]!;
    const owner = userByName.get(company.CSMName as string) ?? null;
    const plan = {
      ...stamp(),
      Name: `${company.Name}: ${play.plan}`,
      CompanyId: company.Gsid,
      OwnerId: owner,
      StatusId: picklistGsid('Success Plan Status', 'Active'),
      SuccessPlanTypeId: picklistGsid('Success Plan Type', play.plan),
      StartDate: addDays(baseDate, -random.int(5, 40)),
      DueDate: addDays(baseDate, random.int(20, 90)),
      IsClosed: false,
      EntityType: 'COMPANY',
    };
    plans.push(plan);
    const cta = {
      ...stamp(),
      Name: play.name,
      CompanyId: company.Gsid,
      OwnerId: owner,
      StatusId: picklistGsid('CTA Status', random.chance(0.5) ? 'New' : 'Work In Progress'),
      PriorityId: picklistGsid('CTA Priority', play.type === 'Risk' ? 'High' : 'Medium'),
      TypeId: picklistGsid('CTA Type', play.type),
      ReasonId: picklistGsid('CTA Reason', play.reason),
      CtaGroupId: plan.Gsid,
      DueDate: addDays(baseDate, random.int(3, 30)),
      IsClosed: false,
      IsImportant: play.type === 'Risk',
      EntityType: 'COMPANY',
      Source: 'Rules',
      TotalTaskCount: play.tasks.length,
      ClosedTaskCount: 0,
    };
    ctas.push(cta);
    play.tasks.forEach((name, index) =>
      tasks.push({
        ...stamp(),
        Name: name,
        CtaId: cta.Gsid,
        CtaGroupId: plan.Gsid,
        CompanyId: company.Gsid,
        OwnerId: owner,
        StatusId: picklistGsid('Task Status', 'Open'),
        PriorityId: picklistGsid('Task Priority', index === 0 ? 'High' : 'Medium'),
        DueDate: addDays(baseDate, index * 7 + 2),
        IsClosed: false,
        EntityType: 'COMPANY',
      }),
    );
    const at = new Date(Date.parse(`${baseDate}T15:00:00.000Z`) - random.int(1, 30) * 86_400_000).toISOString();
    activities.push({
      ...stamp(),
      Subject: `${play.type === 'Risk' ? 'Risk review' : 'Check-in'} with ${company.Name}`,
      Notes: `<p>${play.name}. Next step: ${play.tasks[0]}.</p>`,
      NotesPlainText: `${play.name}. Next step: ${play.tasks[0]}.`,
      ActivityDate: at,
      TypeName: 'Meeting',
      ContextName: 'Company',
      ContextId: company.Gsid,
      GsCompanyId: company.Gsid,
      AuthorId: owner,
      DurationInMins: 30,
    });
  }
  await store.records(object('cta_group')).insertMany(plans);
  await store.records(object('call_to_action')).insertMany(ctas);
  await store.records(object('cs_task')).insertMany(tasks);
  await store.records(object('activity_timeline')).insertMany(activities);
  return {
    gsusers: users.length,
    picklistItems: items.length,
    ctas: ctas.length,
    tasks: tasks.length,
    successPlans: plans.length,
    activities: activities.length,
  };
}
