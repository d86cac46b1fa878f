/** Checks and inputs the NXT suites share (HTTP and unit alike). */
import { expect } from 'vitest';

/** `name` with the case of its letters flipped where the bits of `variant` say (0 is `name`). */
export function caseVariant(name: string, variant: number): string {
  let bit = 0;
  return [...name]
    .map((c) => {
      if (!/[A-Za-z]/.test(c)) return c;
      const flip = (variant >> bit++) & 1;
      return flip ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c;
    })
    .join('');
}

interface DescribedField {
  readonly fieldName: string;
  readonly dataType: string;
  readonly meta: { readonly hasLookup: boolean; readonly lookupDetail: unknown };
}

/** A described field is a lookup to `target` (LOOKUP, hasLookup, lookupDetail), or, without one, none. */
export function expectLookupMetadata(field: DescribedField, target: string | undefined): void {
  if (target) {
    expect(field.dataType, field.fieldName).toBe('LOOKUP');
    expect(field.meta.hasLookup, field.fieldName).toBe(true);
    expect(field.meta.lookupDetail, field.fieldName).toEqual({
      lookupName: `${field.fieldName}__gr`,
      fieldName: 'Gsid',
      lookupObjects: [{ objectName: target }],
    });
  } else {
    expect(field.meta.hasLookup, field.fieldName).toBe(false);
    expect(field.meta.lookupDetail, field.fieldName).toBeNull();
  }
}
