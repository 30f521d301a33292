/** One field's part of main's refusal (field-errors.ts), shown under the field it names. */
import type { FieldErrors } from './field-errors.js';

export function FieldError({ errors, fields, testId, id }: { errors: FieldErrors; fields: readonly string[]; testId: string; id?: string }) {
  const parts = fields.map((f) => errors.byField[f]).filter((m): m is string => !!m);
  if (parts.length === 0) return null;
  return (
    <p className="field-hint field-hint--error" id={id} role="alert" data-testid={testId} data-field={fields[0]}>
      {parts.join('; ')}
    </p>
  );
}

/** Whether main named any of these fields. */
export function hasFieldError(errors: FieldErrors, fields: readonly string[]): boolean {
  return fields.some((f) => errors.byField[f] !== undefined);
}
