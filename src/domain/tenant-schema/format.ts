/**
 * The schema file's format, declared once with TypeBox: it is the validator that checks a file
 * (compiled with Ajv), the TypeScript type the compiler works with, and the JSON Schema shipped
 * in the package for editors (`schemas/gainsight-schema.schema.json`, written from this by
 * `npm run schema:json`; a test keeps the two equal).
 *
 * What a JSON Schema cannot say (a lookup's target exists, names are unique ignoring case, a
 * custom field ends in `__gc`) is checked by compile.ts, with messages as precise.
 */
import { Type, type Static, type TUnsafe } from '@sinclair/typebox';
import { withErrorMessages, type SchemaFailure } from '../body-validation.js';
import { errors } from '../errors.js';
import { GSID_PATTERN } from '../gsid.js';

/** Gainsight's field types, as the file spells them. */
export const SCHEMA_FIELD_TYPES = [
  'STRING',
  'NUMBER',
  'CURRENCY',
  'PERCENTAGE',
  'BOOLEAN',
  'DATE',
  'DATETIME',
  'EMAIL',
  'URL',
  'RICHTEXTAREA',
  'GSID',
  'LOOKUP',
  'PICKLIST',
  'MULTISELECTDROPDOWNLIST',
] as const;
export type SchemaFieldType = (typeof SCHEMA_FIELD_TYPES)[number];

/** Object and field names: an identifier (PostgreSQL's 63-byte limit is checked by compile.ts). */
export const IDENTIFIER_PATTERN = '^[A-Za-z][A-Za-z0-9_]*$';
/** Longest text value a field may declare (RICHTEXTAREA's default). */
export const MAX_TEXT_LENGTH = 131_072;
export const MAX_OPTIONS = 1000;

function StringEnum<const T extends readonly string[]>(values: T, description: string): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description });
}

const Gsid = (description: string) => Type.String({ pattern: GSID_PATTERN.source, description });

export const PicklistOptionSchema = Type.Union([
  Type.String({ minLength: 1, maxLength: 255, description: 'The option label' }),
  Type.Object(
    {
      label: Type.String({ minLength: 1, maxLength: 255, description: 'The option label, as clients write it' }),
      gsid: Type.Optional(Gsid("The option's Gsid (the da_picklist item real Gainsight returns); derived from the label when absent")),
    },
    { additionalProperties: false },
  ),
]);
export type PicklistOptionInput = Static<typeof PicklistOptionSchema>;

export const SchemaFieldSchema = Type.Object(
  {
    type: StringEnum(SCHEMA_FIELD_TYPES, 'Gainsight data type'),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Display label (default: derived from the name)' })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    required: Type.Optional(Type.Boolean({ description: 'A value is needed on insert and can never be cleared' })),
    unique: Type.Optional(Type.Boolean({ description: 'No two records share a value (text compared ignoring case)' })),
    maxLength: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_TEXT_LENGTH, description: 'STRING, EMAIL, URL, RICHTEXTAREA: longest value in characters' }),
    ),
    decimalPlaces: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'NUMBER, CURRENCY, PERCENTAGE: as describe reports it' })),
    object: Type.Optional(Type.String({ pattern: IDENTIFIER_PATTERN, description: 'LOOKUP: the object looked up' })),
    onDelete: Type.Optional(
      StringEnum(['setNull', 'restrict', 'cascade'] as const, 'LOOKUP: what deleting the looked-up record does here (default setNull)'),
    ),
    keepReferrerCounts: Type.Optional(
      Type.Boolean({
        description: 'LOOKUP: the database keeps how many records refer to each looked-up record, for reports that count records by this lookup',
      }),
    ),
    options: Type.Optional(Type.Array(PicklistOptionSchema, { minItems: 1, maxItems: MAX_OPTIONS, description: 'PICKLIST, MULTISELECTDROPDOWNLIST: the options' })),
    categoryId: Type.Optional(Gsid('PICKLIST, MULTISELECTDROPDOWNLIST: the dropdown category Gsid (derived from object and field when absent)')),
    mirrors: Type.Optional(
      StringEnum(
        ['CreatedDate', 'ModifiedDate'] as const,
        "DATETIME: a read-only field that always equals the record's CreatedDate or ModifiedDate (objects that also name their timestamps otherwise, such as activity_timeline's LastModifiedDate)",
      ),
    ),
  },
  { additionalProperties: false },
);
export type SchemaField = Static<typeof SchemaFieldSchema>;

const NamePattern = Type.String({ pattern: IDENTIFIER_PATTERN });

/** Names outside the pattern are additional properties: say what a name must be. */
const notAName = { additionalProperties: ({ path }: SchemaFailure) => errors.invalidValue(path, 'not a name: a name is a letter, then letters, digits or _') };

export const SchemaObjectSchema = Type.Object(
  {
    objectType: Type.Optional(
      StringEnum(['CUSTOM', 'STANDARD'] as const, 'For an object the server does not have: CUSTOM (default) or STANDARD'),
    ),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    labelPlural: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    fields: withErrorMessages(
      Type.Record(NamePattern, SchemaFieldSchema, { description: 'Field name -> field: an identifier', additionalProperties: false }),
      notAName,
    ),
  },
  { additionalProperties: false },
);
export type SchemaObject = Static<typeof SchemaObjectSchema>;

export const SchemaDocumentSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'Editors: the JSON Schema of this file' })),
    version: Type.Optional(Type.Literal(1)),
    objects: withErrorMessages(
      Type.Record(NamePattern, SchemaObjectSchema, {
        additionalProperties: false,
        description: 'Object name -> object. A standard object (Company, Person, ...) lists custom fields to add to it; any other name is a new object',
      }),
      notAName,
    ),
  },
  {
    additionalProperties: false,
    title: 'gainsight-api schema file',
    description: 'Custom objects and custom fields of a Gainsight tenant, for gainsight-api --schema',
  },
);
export type SchemaDocument = Static<typeof SchemaDocumentSchema>;
