/**
 * Main's refusal of a form, field by field. Main validates global profiles,
 * policies and distributions and names each wrong field in its message
 * (main/distribution/validation.ts): `The profile "x" cannot be saved:
 * bucket: …; region: ….`. The form shows each part beside its field and
 * whatever names no field above the buttons. Pure.
 */
import type { AppErrorDto } from '../../shared/contract/index.js';

export interface FieldErrors {
  /** By field, as main names it (`bucket`, `targets[1]`). */
  byField: Readonly<Record<string, string>>;
  /** What names none of the form's fields (or the whole message, when nothing does). */
  rest: string | null;
}

export const NO_FIELD_ERRORS: FieldErrors = { byField: {}, rest: null };

const FIELD_PART = /^([A-Za-z][A-Za-z0-9]*)(\[\d+\])?: ([\s\S]*)$/;

/**
 * Splits a message into the parts of `fields` (a field given as `targets`
 * also takes `targets[0]`, `targets[1]`, …). A part that does not start with
 * a field continues the one before it: messages of Kubernetes' own
 * validation contain "; " too.
 */
export function splitFieldErrors(message: string, fields: readonly string[]): FieldErrors {
  const colon = message.indexOf(' cannot be saved: ');
  const body = (colon >= 0 ? message.slice(colon + ' cannot be saved: '.length) : message).replace(/\.$/, '');
  const byField: Record<string, string> = {};
  const rest: string[] = [];
  let last: string | null = null;
  for (const part of body.split('; ')) {
    const m = FIELD_PART.exec(part);
    const field = m && fields.includes(m[1]!) ? `${m[1]}${m[2] ?? ''}` : null;
    if (field && m) {
      byField[field] = byField[field] ? `${byField[field]}; ${m[3]}` : m[3]!;
      last = field;
    } else if (last) {
      byField[last] = `${byField[last]}; ${part}`;
    } else {
      rest.push(part);
    }
  }
  if (Object.keys(byField).length === 0) return { byField, rest: message };
  return { byField, rest: rest.length ? rest.join('; ') : null };
}

/**
 * A save's error as the form shows it: a refusal of the input by field; a
 * name already taken beside the name; anything else (unreachable, forbidden)
 * as it is, with the cluster it concerns.
 */
export function formErrors(error: AppErrorDto | null | undefined, fields: readonly string[]): FieldErrors {
  if (!error) return NO_FIELD_ERRORS;
  if (error.code === 'INVALID_ARGS') return splitFieldErrors(error.message, fields);
  if (error.code === 'CONFLICT' && fields.includes('name') && /already has|exists already/.test(error.message)) return { byField: { name: error.message }, rest: null };
  return { byField: {}, rest: error.cluster ? `${error.cluster}: ${error.message}` : error.message };
}
