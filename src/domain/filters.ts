/**
 * The one filter model, shared by the reports and the NXT query API (each in its dialect, below).
 *
 * Two input forms are accepted:
 * - shorthand: `{"Industry": "Software", "LifecycleStage": ["Adopting", "Renewing"]}` (equality,
 *   IN for an array; several keys are ANDed);
 * - Gainsight's query form: `{"conditions": [{"name", "alias", "operator", "value": [...]}],
 *   "expression": "A AND (B OR NOT C)"}` (without an expression, all conditions are ANDed).
 *
 * Both become a Predicate tree over resolved fields. Semantics are those CRM users expect: every
 * atomic predicate is two-valued (a record either matches or not, so NOT is plain negation);
 * NE, NOT_IN and DOES_NOT_CONTAINS also match records where the field is empty; BTW includes both
 * ends; CONTAINS, STARTS_WITH and ENDS_WITH ignore case and take `%` and `_` literally.
 */
import { isPlainObject } from './json.js';
import { isCalendarDate, isDateTime } from './dates.js';
import { errors, describeValue } from './errors.js';
import type { FieldDescription, ObjectDescription } from './object-model.js';
import { findPicklistOption, isTextType, matchFieldName, MAX_INTEGER, multiselectValue, MULTISELECT_SEPARATOR } from './object-model.js';
import { parseLenientDate, parseLenientDateTime, parseLenientNumber, parseLenientBoolean } from './lenient-values.js';
import { isStorableText } from './text.js';
import { isGsid } from './gsid.js';

export const OPERATORS = [
  'EQ', 'NE', 'LT', 'GT', 'LTE', 'GTE', 'BTW', 'IS_NULL', 'IS_NOT_NULL',
  'CONTAINS', 'DOES_NOT_CONTAINS', 'STARTS_WITH', 'ENDS_WITH', 'IN', 'NOT_IN',
] as const;
export type Operator = (typeof OPERATORS)[number];

export type Scalar = string | number;

/**
 * A field of the filtered object, or of an object it reaches through lookups: `CompanyId.Industry`
 * (reports) or `Company_ID__gr.Csm__gr.Name` (NXT) is a field of a referenced object.
 */
export interface FieldRef {
  /** The path as the client wrote it (NXT results are keyed by it verbatim). */
  readonly path: string;
  readonly field: FieldDescription;
  /** The lookups followed to reach `field`, in order; empty for the object's own fields. */
  readonly hops: readonly Hop[];
}

export interface Hop {
  readonly field: FieldDescription;
  readonly target: ObjectDescription;
}

/** How field paths are written and values read: the reports' strict JSON, or as Gainsight reads them. */
export interface Dialect {
  /** `dot`: `CompanyId.Name` (reports); `lookup`: `Company_ID__gr.Name` (NXT, up to 3 hops). */
  readonly paths: 'dot' | 'lookup';
  /** `strict`: JSON types only; `lenient`: numeric strings, "true", date-time variants (NXT). */
  readonly values: 'strict' | 'lenient';
}

export const REPORT_DIALECT: Dialect = { paths: 'dot', values: 'strict' };
export const NXT_DIALECT: Dialect = { paths: 'lookup', values: 'lenient' };

/** At most this many lookups in one path (`A__gr.B__gr.C__gr.Field`). */
export const MAX_HOPS = 3;
const LOOKUP_SUFFIX = '__gr';

export type Predicate =
  | { readonly kind: 'compare'; readonly ref: FieldRef; readonly op: 'EQ' | 'NE' | 'LT' | 'GT' | 'LTE' | 'GTE'; readonly value: Scalar }
  | { readonly kind: 'between'; readonly ref: FieldRef; readonly low: Scalar; readonly high: Scalar }
  | { readonly kind: 'null'; readonly ref: FieldRef; readonly isNull: boolean }
  | {
      readonly kind: 'like';
      readonly ref: FieldRef;
      readonly position: 'anywhere' | 'start' | 'end';
      readonly text: string;
      readonly negated: boolean;
    }
  | { readonly kind: 'in'; readonly ref: FieldRef; readonly values: readonly Scalar[]; readonly negated: boolean }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly Predicate[] }
  | { readonly kind: 'not'; readonly operand: Predicate };

export const MAX_CONDITIONS = 50;
export const MAX_IN_VALUES = 1000;
/** Values bound in one report query, all filters together (SQLite binds at most 32766). */
export const MAX_FILTER_VALUES = 5000;
const MAX_EXPRESSION_LENGTH = 2000;

/**
 * Resolves a field path against an object and the objects its lookups reach. Reports write
 * `Reference.Field` (one hop); the NXT surface writes `Lookup__gr.Field`, up to three hops, and
 * matches names by the NXT rule (exact, else ignoring case when unambiguous).
 */
export function resolveFieldRef(
  object: ObjectDescription,
  path: string,
  where: string,
  lookUp: (name: string) => ObjectDescription | undefined,
  dialect: Dialect = REPORT_DIALECT,
): FieldRef {
  if (typeof path !== 'string' || path === '') throw errors.requiredValue(where, 'a field name is required');
  const segments = path.split('.');
  const unknown = () => errors.unknownField(`${where} = ${path}`);
  const find = (on: ObjectDescription, name: string) => (dialect.paths === 'lookup' ? matchFieldName(on, name) : on.fieldByName.get(name));
  const maxHops = dialect.paths === 'lookup' ? MAX_HOPS : 1;
  if (segments.length - 1 > maxHops) {
    if (dialect.paths === 'dot') throw unknown();
    throw errors.invalidValue(where, `${path} follows ${segments.length - 1} lookups; at most ${maxHops} ${maxHops === 1 ? 'is' : 'are'} allowed`);
  }
  const hops: Hop[] = [];
  let current = object;
  for (const segment of segments.slice(0, -1)) {
    let name = segment;
    if (dialect.paths === 'lookup') {
      if (!segment.toLowerCase().endsWith(LOOKUP_SUFFIX)) throw unknown();
      name = segment.slice(0, -LOOKUP_SUFFIX.length);
    }
    const field = find(current, name);
    const target = field?.references ? lookUp(field.references) : undefined;
    if (!field || !target) throw unknown();
    hops.push({ field, target });
    current = target;
  }
  const field = find(current, segments[segments.length - 1]!);
  if (!field) {
    throw hops.length === 0 && dialect.paths === 'dot' ? errors.unknownField(`${where} = ${path}`, undefined) : unknown();
  }
  return { path, field, hops };
}

function checkScalar(ref: FieldRef, value: unknown, where: string, dialect: Dialect): Scalar {
  const { field } = ref;
  const lenient = dialect.values === 'lenient';
  const bad = (expected: string) => errors.invalidValue(where, `${ref.path} is ${field.type}: expected ${expected}, got ${describeValue(value)}`, value);
  switch (field.type) {
    case 'number': {
      const number = lenient ? parseLenientNumber(value) : typeof value === 'number' && Number.isFinite(value) ? value : undefined;
      if (number === undefined) throw bad('a number');
      return number;
    }
    case 'integer': {
      // Stored as 32-bit integers; PostgreSQL refuses to compare them with anything else.
      const number = lenient ? parseLenientNumber(value) : value;
      if (typeof number !== 'number' || !Number.isInteger(number) || number < -MAX_INTEGER - 1 || number > MAX_INTEGER) {
        throw bad(`an integer from ${-MAX_INTEGER - 1} to ${MAX_INTEGER}`);
      }
      return number;
    }
    case 'boolean': {
      // Stored as 1 and 0 on every backend.
      const flag = lenient ? parseLenientBoolean(value) : typeof value === 'boolean' ? value : undefined;
      if (flag === undefined) throw bad('true or false');
      return flag ? 1 : 0;
    }
    case 'date': {
      const date = lenient ? parseLenientDate(value) : typeof value === 'string' && isCalendarDate(value) ? value : undefined;
      if (date === undefined) throw errors.invalidDate(where, value, ref.path);
      return date;
    }
    case 'datetime': {
      if (lenient) {
        const iso = parseLenientDateTime(value);
        if (iso === undefined) throw errors.invalidDateTime(where, value, ref.path);
        return iso;
      }
      if (typeof value !== 'string' || !isDateTime(value)) throw errors.invalidDateTime(where, value, ref.path);
      // Stored as ISO 8601 UTC with milliseconds; comparisons need the same form, which must
      // itself stay within years 0001-9999 (an offset can push 9999-12-31T23:00-05:00 past it).
      const iso = new Date(value).toISOString();
      if (!isDateTime(iso)) throw errors.invalidDateTime(where, value, ref.path);
      return iso;
    }
    case 'gsid':
      // A value that is no Gsid could never match; saying so beats an empty result.
      if (!isGsid(value)) throw errors.invalidGsid(where, value, ref.path);
      return value;
    default:
      if (typeof value !== 'string') throw bad('a string');
      // Stored text never holds these, so they could never match (and PostgreSQL rejects NUL).
      if (!isStorableText(value)) throw errors.invalidValue(where, 'text contains a NUL character or an unpaired UTF-16 surrogate');
      // A picklist stores labels; a client that reads Gsids (--picklist-values gsid) filters by them.
      return field.options ? picklistText(field, value) : value;
  }
}

/**
 * A picklist stores labels (a multi-select, its labels in the options' order): a value compared
 * with one names options as stored, whether the client sent labels or the Gsids it reads with
 * --picklist-values gsid. Text naming no option is left as sent (it matches nothing, or a part).
 */
function picklistText(field: FieldDescription, value: string): string {
  if (field.dataType === 'MULTISELECTDROPDOWNLIST') return multiselectValue(field, value.split(MULTISELECT_SEPARATOR));
  return findPicklistOption(field, value)?.label ?? value;
}

function buildCondition(ref: FieldRef, operator: Operator, values: readonly unknown[], where: string, dialect: Dialect): Predicate {
  const arity = (n: number) => {
    if (values.length !== n) {
      throw errors.invalidValue(where, `${operator} takes ${n === 0 ? 'an empty array []' : `exactly ${n} value${n > 1 ? 's' : ''}`}, got ${values.length}`);
    }
  };
  const textOnly = () => {
    if (!isTextType(ref.field.type)) throw errors.invalidValue(where, `${operator} works on text fields only; ${ref.path} is ${ref.field.type}`);
  };
  switch (operator) {
    case 'EQ':
    case 'NE':
    case 'LT':
    case 'GT':
    case 'LTE':
    case 'GTE':
      arity(1);
      return { kind: 'compare', ref, op: operator, value: checkScalar(ref, values[0], `${where}[0]`, dialect) };
    case 'BTW':
      arity(2);
      return { kind: 'between', ref, low: checkScalar(ref, values[0], `${where}[0]`, dialect), high: checkScalar(ref, values[1], `${where}[1]`, dialect) };
    case 'IS_NULL':
    case 'IS_NOT_NULL':
      arity(0);
      return { kind: 'null', ref, isNull: operator === 'IS_NULL' };
    case 'CONTAINS':
    case 'DOES_NOT_CONTAINS':
    case 'STARTS_WITH':
    case 'ENDS_WITH': {
      arity(1);
      textOnly();
      const text = values[0];
      if (typeof text !== 'string') throw errors.invalidValue(`${where}[0]`, `${operator} needs a string, got ${describeValue(text)}`);
      if (!isStorableText(text)) throw errors.invalidValue(`${where}[0]`, 'text contains a NUL character or an unpaired UTF-16 surrogate');
      const position = operator === 'STARTS_WITH' ? 'start' : operator === 'ENDS_WITH' ? 'end' : 'anywhere';
      // `CONTAINS <option Gsid>` on a picklist looks for the option's label.
      const sought = ref.field.options ? (findPicklistOption(ref.field, text)?.label ?? text) : text;
      return { kind: 'like', ref, position, text: sought, negated: operator === 'DOES_NOT_CONTAINS' };
    }
    case 'IN':
    case 'NOT_IN':
      if (values.length === 0 || values.length > MAX_IN_VALUES) {
        throw errors.invalidValue(where, `${operator} takes 1 to ${MAX_IN_VALUES} values, got ${values.length}`);
      }
      return {
        kind: 'in',
        ref,
        values: values.map((value, i) => checkScalar(ref, value, `${where}[${i}]`, dialect)),
        negated: operator === 'NOT_IN',
      };
  }
}

export interface FilterContext {
  readonly object: ObjectDescription;
  readonly lookUp: (name: string) => ObjectDescription | undefined;
  /** Where the filter sits in the request, for messages: `filters`, `definition.where`. */
  readonly where: string;
  /** How paths are written and values read; the reports' dialect unless given. */
  readonly dialect?: Dialect;
}


/** Parses either filter form; `undefined` and `{}` mean "no filter". */
export function parseFilter(input: unknown, context: FilterContext): Predicate | undefined {
  if (input === undefined || input === null) return undefined;
  if (!isPlainObject(input)) throw errors.invalidValue(context.where, `expected an object, got ${describeValue(input)}`);
  if ('conditions' in input || 'expression' in input) return parseQueryForm(input, context);
  const operands: Predicate[] = [];
  for (const [path, value] of Object.entries(input)) {
    const where = `${context.where}.${path}`;
    const dialect = context.dialect ?? REPORT_DIALECT;
    const ref = resolveFieldRef(context.object, path, where, context.lookUp, dialect);
    operands.push(
      Array.isArray(value)
        ? buildCondition(ref, 'IN', value, where, dialect)
        : value === null
          ? { kind: 'null', ref, isNull: true }
          : buildCondition(ref, 'EQ', [value], where, dialect),
    );
  }
  if (operands.length === 0) return undefined;
  return operands.length === 1 ? operands[0] : { kind: 'and', operands };
}

function parseQueryForm(input: Record<string, unknown>, context: FilterContext): Predicate | undefined {
  const unknownKey = Object.keys(input).find((key) => key !== 'conditions' && key !== 'expression');
  if (unknownKey) throw errors.unknownField(`${context.where}.${unknownKey}`);
  const conditions = input.conditions;
  if (!Array.isArray(conditions)) throw errors.invalidValue(`${context.where}.conditions`, 'expected an array of conditions');
  if (conditions.length > MAX_CONDITIONS) {
    throw errors.invalidValue(`${context.where}.conditions`, `at most ${MAX_CONDITIONS} conditions, got ${conditions.length}`);
  }
  const dialect = context.dialect ?? REPORT_DIALECT;
  const byAlias = new Map<string, Predicate>();
  const ordered: Predicate[] = [];
  conditions.forEach((condition, index) => {
    const where = `${context.where}.conditions[${index}]`;
    if (!isPlainObject(condition)) throw errors.invalidValue(where, 'expected an object');
    const extra = Object.keys(condition).find((key) => !['name', 'alias', 'operator', 'value'].includes(key));
    if (extra) throw errors.unknownField(`${where}.${extra}`);
    const ref = resolveFieldRef(context.object, condition.name as string, `${where}.name`, context.lookUp, dialect);
    const operator = condition.operator;
    if (typeof operator !== 'string' || !(OPERATORS as readonly string[]).includes(operator.toUpperCase())) {
      throw errors.invalidValue(`${where}.operator`, `expected one of ${OPERATORS.join(', ')}, got ${describeValue(operator)}`);
    }
    if (!Array.isArray(condition.value)) {
      throw errors.invalidValue(`${where}.value`, `value is always an array (IS_NULL takes []), got ${describeValue(condition.value)}`);
    }
    const predicate = buildCondition(ref, operator.toUpperCase() as Operator, condition.value, `${where}.value`, dialect);
    ordered.push(predicate);
    const alias = condition.alias;
    if (alias !== undefined) {
      if (typeof alias !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(alias) || KEYWORDS.has(alias.toUpperCase())) {
        throw errors.invalidValue(`${where}.alias`, `an alias is a letter followed by letters, digits or _ (not AND, OR, NOT), got ${describeValue(alias)}`);
      }
      if (byAlias.has(alias)) throw errors.invalidValue(`${where}.alias`, `alias ${alias} is used twice`);
      byAlias.set(alias, predicate);
    }
  });
  const expression = input.expression;
  if (expression === undefined || expression === null) {
    if (ordered.length === 0) return undefined;
    return ordered.length === 1 ? ordered[0] : { kind: 'and', operands: ordered };
  }
  if (typeof expression !== 'string') throw errors.invalidValue(`${context.where}.expression`, 'expected a string');
  if (byAlias.size !== conditions.length) {
    throw errors.requiredValue(`${context.where}.conditions`, 'every condition needs an alias when an expression is given');
  }
  const { predicate, used } = parseExpression(expression, byAlias, `${context.where}.expression`);
  const unused = [...byAlias.keys()].filter((alias) => !used.has(alias));
  if (unused.length > 0) {
    throw errors.invalidValue(`${context.where}.expression`, `condition ${unused.join(', ')} is not used in the expression`);
  }
  return predicate;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT']);

type Token = { kind: 'alias' | 'AND' | 'OR' | 'NOT' | '(' | ')'; text: string; position: number };

function tokenize(expression: string, where: string): Token[] {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw errors.invalidValue(where, `at most ${MAX_EXPRESSION_LENGTH} characters`);
  }
  const tokens: Token[] = [];
  const pattern = /\s*(?:([A-Za-z][A-Za-z0-9_]*)|(\()|(\)))/y;
  let position = 0;
  while (position < expression.length) {
    if (/^\s*$/.test(expression.slice(position))) break;
    pattern.lastIndex = position;
    const match = pattern.exec(expression);
    if (!match) {
      const at = position + (expression.slice(position).length - expression.slice(position).trimStart().length);
      throw errors.invalidValue(
        where,
        `unexpected ${describeValue(expression[at])} at position ${at + 1}; only condition aliases, AND, OR, NOT and parentheses are allowed`,
      );
    }
    const start = pattern.lastIndex - match[0].trimStart().length;
    if (match[1] !== undefined) {
      const upper = match[1].toUpperCase();
      tokens.push({ kind: KEYWORDS.has(upper) ? (upper as Token['kind']) : 'alias', text: match[1], position: start });
    } else {
      tokens.push({ kind: match[2] ? '(' : ')', text: match[0].trim(), position: start });
    }
    position = pattern.lastIndex;
  }
  return tokens;
}

/** Recursive descent with precedence NOT > AND > OR. */
function parseExpression(
  expression: string,
  byAlias: ReadonlyMap<string, Predicate>,
  where: string,
): { predicate: Predicate; used: Set<string> } {
  const tokens = tokenize(expression, where);
  const used = new Set<string>();
  let index = 0;
  let depth = 0;
  const peek = () => tokens[index];
  const fail = (problem: string): never => {
    throw errors.invalidValue(where, `${problem} in ${describeValue(expression)}`);
  };
  const describeToken = (token: Token | undefined) => (token ? `${token.text} at position ${token.position + 1}` : 'end of expression');

  const parseOr = (): Predicate => {
    const operands = [parseAnd()];
    while (peek()?.kind === 'OR') {
      index++;
      operands.push(parseAnd());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  };
  const parseAnd = (): Predicate => {
    const operands = [parseNot()];
    while (peek()?.kind === 'AND') {
      index++;
      operands.push(parseNot());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  };
  const parseNot = (): Predicate => {
    if (peek()?.kind === 'NOT') {
      index++;
      return { kind: 'not', operand: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): Predicate => {
    const token = peek();
    if (token?.kind === 'alias') {
      index++;
      const predicate = byAlias.get(token.text);
      if (!predicate) return fail(`unknown alias ${token.text} (aliases: ${[...byAlias.keys()].join(', ') || 'none'})`);
      used.add(token.text);
      return predicate;
    }
    if (token?.kind === '(') {
      index++;
      if (++depth > 50) fail('parentheses nested too deeply');
      const inner = parseOr();
      depth--;
      if (peek()?.kind !== ')') fail(`expected ) but found ${describeToken(peek())}`);
      index++;
      return inner;
    }
    return fail(`expected an alias, NOT or ( but found ${describeToken(token)}`);
  };

  if (tokens.length === 0) fail('empty expression');
  const predicate = parseOr();
  if (index < tokens.length) fail(`unexpected ${describeToken(peek())}`);
  return { predicate, used };
}

/**
 * The field a reference resolves to, whatever its spelling: the names of the lookups followed
 * and of the field, as the object model spells them (`csm__GR.email` and `Csm__gr.Email` are both
 * `Csm.Email`; a report's `CompanyId.Name` is `CompanyId.Name`). Two references with the same key
 * read the same column of the same join.
 */
export function fieldKey(ref: FieldRef): string {
  return [...ref.hops.map((hop) => hop.field.name), ref.field.name].join('.');
}

/**
 * Fields (by fieldKey) that the predicate can only match when they hold a value (used to
 * simplify sorting).
 */
export function nonNullFields(predicate: Predicate | undefined): Set<string> {
  const result = new Set<string>();
  if (!predicate) return result;
  const conjuncts = predicate.kind === 'and' ? predicate.operands : [predicate];
  for (const p of conjuncts) {
    if (p.kind === 'and') for (const key of nonNullFields(p)) result.add(key);
    else if (p.kind === 'null' && !p.isNull) result.add(fieldKey(p.ref));
    else if (p.kind === 'between' || (p.kind === 'compare' && p.op !== 'NE') || ((p.kind === 'in' || p.kind === 'like') && !p.negated)) {
      result.add(fieldKey(p.ref));
    }
  }
  return result;
}

/**
 * The NULL-placement rule of every sort (reports and NXT queries): ordering by a field must place
 * NULLs explicitly (always last, in both directions) unless the field can never be empty in the
 * rows sorted. It cannot when the filter only matches records that hold a value there (`neverNull`,
 * from nonNullFields), or when it is an own field that always holds one (Gsid, timestamps,
 * required fields); a field reached through a lookup is NULL whenever the lookup is empty.
 * Leaving the placement out where it is not needed lets both databases sort by an index.
 */
export function needsNullPlacement(ref: FieldRef, neverNull: ReadonlySet<string>): boolean {
  const alwaysSet = ref.hops.length === 0 && (ref.field.required === true || ref.field.readOnly === true);
  return !alwaysSet && !neverNull.has(fieldKey(ref));
}

/**
 * Refuses (400, naming `where`) a filter that binds more than MAX_FILTER_VALUES values in all:
 * one query must stay under the databases' parameter limits. `subject` and `advice` word the
 * message for the surface (`the filters` ... `narrow them or split the report`).
 */
export function assertFilterValues(predicate: Predicate | undefined, where: string, subject: string, advice: string): void {
  if (countValues(predicate) > MAX_FILTER_VALUES) {
    throw errors.invalidValue(where, `${subject} hold more than ${MAX_FILTER_VALUES} values in all; ${advice}`);
  }
}

/** Every field a predicate reads (to know which references must be joined). */
export function referencedFields(predicate: Predicate | undefined, into: FieldRef[] = []): FieldRef[] {
  if (!predicate) return into;
  if ('operands' in predicate) predicate.operands.forEach((p) => referencedFields(p, into));
  else if ('operand' in predicate) referencedFields(predicate.operand, into);
  else into.push(predicate.ref);
  return into;
}

/** How many values a predicate binds (to keep a query under the databases' parameter limits). */
export function countValues(predicate: Predicate | undefined): number {
  if (!predicate) return 0;
  if ('operands' in predicate) return predicate.operands.reduce((sum, p) => sum + countValues(p), 0);
  if ('operand' in predicate) return countValues(predicate.operand);
  if (predicate.kind === 'in') return predicate.values.length;
  return predicate.kind === 'between' ? 2 : 1;
}
