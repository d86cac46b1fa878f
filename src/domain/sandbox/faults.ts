/**
 * Fault rules: what `POST /v1/_sandbox/faults` takes, what it answers, and which requests a rule
 * matches. A rule matches a request when every key of its `match` agrees (an absent key agrees
 * with everything); it then fires with its `probability` (seeded: see chance.ts) until it has
 * fired `times` times. Applying the effect is the server's business (api/sandbox/faults-hook.ts).
 */
import { Type, type Static } from '@sinclair/typebox';
import { ApiError, describeValue, errors } from '../errors.js';
import type { ObjectRegistry } from '../registry.js';
import { globMayMatchRoute, globToRegExp } from './glob.js';

export const FAULT_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** The longest delay a rule may ask for: long enough for any client timeout test. */
export const MAX_DELAY_MS = 120_000;

const FaultMatchSchema = Type.Object(
  {
    method: Type.Optional(Type.Union(FAULT_METHODS.map((method) => Type.Literal(method)), { description: 'HTTP method (HEAD requests count as GET)' })),
    path: Type.Optional(
      Type.String({
        pattern: '^/',
        minLength: 1,
        maxLength: 500,
        description: 'URL path glob, query string excluded: `*` within a segment, `**` across segments, `?` one character',
        examples: ['/v1/data/objects/query/*'],
      }),
    ),
    object: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "The object a request is about (NXT's {object}, Company for /v1/companies, Person for /v1/people); any case" })),
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Name of the access key the request was made with (GS_ACCESS_KEY for the bootstrap key)' })),
  },
  { additionalProperties: false, description: 'Which requests the rule applies to; every key optional (none: every request outside /v1/_sandbox/)' },
);

const FaultEffectSchema = Type.Object(
  {
    status: Type.Optional(
      Type.Integer({
        minimum: 400,
        maximum: 599,
        description: "Answer this status before the handler runs (nothing is written). Without `body`: Gainsight's body for it (429 GU_2400 \"Too many request\" with Retry-After, 500 GU_1101, 503 GSAPI_5030 with Retry-After)",
      }),
    ),
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS, description: 'Wait this long first (alone: then handle the request as usual)' })),
    drop: Type.Optional(Type.Boolean({ description: 'Close the connection without an answer (after delayMs)' })),
    body: Type.Optional(Type.Unknown({ description: 'The JSON body to answer with `status`, instead of the default one' })),
  },
  { additionalProperties: false, description: 'What happens to a request the rule fires on' },
);

/** The body of `POST /v1/_sandbox/faults`. */
export const FaultRuleInputSchema = Type.Object(
  {
    match: Type.Optional(FaultMatchSchema),
    effect: FaultEffectSchema,
    probability: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Chance that the rule fires on a matching request (default 1)' }),
    ),
    seed: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 4294967295, description: 'Seed of the probability draws: the same seed fires on the same matching requests (default: chosen and answered)' }),
    ),
    times: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'The rule expires after firing this many times (default: never)' })),
  },
  { additionalProperties: false },
);
export type FaultRuleInput = Static<typeof FaultRuleInputSchema>;

/** A rule as stored and answered (`hits`, `matched` and `expired` are filled in when read). */
export const FaultRuleSchema = Type.Object({
  id: Type.String(),
  match: FaultMatchSchema,
  effect: Type.Object({
    status: Type.Optional(Type.Integer()),
    delayMs: Type.Integer(),
    drop: Type.Boolean(),
    body: Type.Optional(Type.Unknown()),
  }),
  probability: Type.Number(),
  seed: Type.Integer(),
  times: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  matched: Type.Integer({ description: 'Requests the rule matched (while not expired)' }),
  hits: Type.Integer({ description: 'Requests the rule fired on' }),
  expired: Type.Boolean({ description: 'Fired `times` times: it no longer fires' }),
});
export type FaultRule = Static<typeof FaultRuleSchema>;

/** A route of the server, as a rule is checked against: its method and path template. */
export interface RouteShape {
  readonly method: string;
  readonly path: string;
}

export interface RuleContext {
  readonly registry: ObjectRegistry;
  /** The routes faults can apply to (the sandbox's own excluded). */
  readonly routes: () => readonly RouteShape[];
  /** Names a request's key can have: the active keys' and GS_ACCESS_KEY. */
  readonly keyNames: () => Promise<ReadonlySet<string>>;
  /** A seed for a rule that asks for a probability without one. */
  readonly randomSeed: () => number;
}

const invalid = (field: string, problem: string, value?: unknown) =>
  errors.badRequest(`${field}: ${problem}${value === undefined ? '' : ` (got ${describeValue(value)})`}`);

/**
 * A validated input (the schema has run) checked for what the schema cannot say, completed with
 * defaults, and with names made canonical. Throws a 400 naming the field for a rule that
 * contradicts itself or could never match a request.
 */
export async function normalizeRule(input: FaultRuleInput, context: RuleContext): Promise<Omit<FaultRule, 'id' | 'createdAt' | 'matched' | 'hits' | 'expired'>> {
  const { effect } = input;
  const match = { ...(input.match ?? {}) };
  if (effect.body !== undefined && effect.status === undefined) throw invalid('effect.body', 'a body needs effect.status to be answered with');
  if (effect.status === undefined && !effect.drop && !effect.delayMs) {
    throw invalid('effect', 'give a status, a delayMs above 0, or drop: true');
  }
  if (effect.drop && effect.status !== undefined) throw invalid('effect.drop', 'a dropped connection answers no status; remove effect.status or effect.drop');

  if (match.object !== undefined) {
    const object = context.registry.find(match.object);
    if (!object) throw invalid('match.object', `no such object; objects are ${context.registry.names.join(', ')}`, match.object);
    match.object = object.name;
  }
  if (match.key !== undefined && !(await context.keyNames()).has(match.key)) {
    throw invalid('match.key', 'no active access key has this name, so the rule would match nothing', match.key);
  }
  const routes = context.routes();
  const candidates = routes.filter(
    (route) =>
      (match.path === undefined || globMayMatchRoute(match.path, route.path)) &&
      (match.method === undefined || route.method === match.method),
  );
  if (match.path !== undefined && !routes.some((route) => globMayMatchRoute(match.path!, route.path))) {
    throw invalid('match.path', 'matches no path this server answers, so the rule would match nothing', match.path);
  }
  if (candidates.length === 0) throw invalid('match.method', `no route answers ${match.method} at match.path, so the rule would match nothing`, match.method);
  if (match.object !== undefined && !candidates.some((route) => routeCarriesObject(route.path))) {
    throw invalid('match.object', 'none of the routes the rule matches is about an object, so the rule would match nothing', match.object);
  }
  return {
    match,
    effect: {
      ...(effect.status !== undefined ? { status: effect.status } : {}),
      delayMs: effect.delayMs ?? 0,
      drop: effect.drop ?? false,
      ...(effect.body !== undefined ? { body: effect.body } : {}),
    },
    probability: input.probability ?? 1,
    seed: input.seed ?? context.randomSeed(),
    times: input.times ?? null,
  };
}

/** Seed routes about one object; NXT routes name theirs in `{object}`. */
const SEED_OBJECTS: readonly (readonly [string, string])[] = [
  ['/v1/companies', 'Company'],
  ['/v1/people', 'Person'],
  ['/v1.0/api/people', 'Person'],
];

function routeCarriesObject(template: string): boolean {
  return template.includes('{object}') || SEED_OBJECTS.some(([prefix]) => template === prefix || template.startsWith(`${prefix}/`));
}

/**
 * The object a request is about: its `{object}` path parameter (any case, made canonical), or the
 * object of a seed route. Undefined for other routes and unknown objects.
 */
export function objectOfRequest(template: string | undefined, params: unknown, registry: ObjectRegistry): string | undefined {
  if (template === undefined) return undefined;
  const named = (params as { object?: unknown } | undefined)?.object;
  if (typeof named === 'string') return registry.find(named)?.name;
  return SEED_OBJECTS.find(([prefix]) => template === prefix || template.startsWith(`${prefix}/`))?.[1];
}

/** What a rule is matched against. */
export interface RequestFacts {
  readonly method: string;
  /** The URL path without the query string or a trailing slash. */
  readonly path: string;
  readonly object: string | undefined;
  readonly keyName: string | undefined;
}

const compiledGlobs = new Map<string, RegExp>();

export function ruleMatches(match: FaultRule['match'], facts: RequestFacts): boolean {
  if (match.method !== undefined && match.method !== (facts.method === 'HEAD' ? 'GET' : facts.method)) return false;
  if (match.object !== undefined && match.object !== facts.object) return false;
  if (match.key !== undefined && match.key !== facts.keyName) return false;
  if (match.path !== undefined) {
    let pattern = compiledGlobs.get(match.path);
    if (!pattern) {
      if (compiledGlobs.size > 1000) compiledGlobs.clear();
      compiledGlobs.set(match.path, (pattern = globToRegExp(match.path)));
    }
    if (!pattern.test(facts.path)) return false;
  }
  return true;
}

/** The path a rule's glob is matched against: no query string, no trailing slash. */
export function pathOf(url: string): string {
  const path = url.split('?', 1)[0]!;
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Seconds a client is told to wait after an injected 429 or 503. */
export const RETRY_AFTER_SECONDS = 1;

/** The failure an effect's status answers when the rule gives no body: Gainsight's own. */
export function defaultFaultError(status: number, ruleId: string): ApiError {
  switch (status) {
    case 429:
      return errors.rateLimited(RETRY_AFTER_SECONDS);
    case 500:
      return errors.gainsightInternal();
    case 503:
      return errors.saturated('Service unavailable; retry the request', RETRY_AFTER_SECONDS);
    default:
      return errors.injectedFault(status, ruleId);
  }
}

/** Headers an injected status carries even with a rule's own body. */
export function faultHeaders(status: number): Record<string, string> {
  return status === 429 || status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
}
