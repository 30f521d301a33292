/**
 * The query parameters of a Kubernetes API request, read as kube-apiserver
 * reads them, so that a client the lab accepts a real server accepts too,
 * and the reverse. Two steps, with two kinds of failure:
 *
 * - decoding (apimachinery's url.Values → metav1.*Options conversion): a
 *   number that Go's strconv.ParseInt cannot read is a 400 BadRequest with
 *   Go's message. Booleans are *not* strconv.ParseBool: "0" and any case of
 *   "false" are false, every other value (`True`, `yes`, even empty) is true
 *   (runtime.Convert_Slice_string_To_bool).
 * - validation (apiserver's ValidateListOptions, ValidateCreateOptions, …):
 *   a value outside its set (dryRun, propagationPolicy, fieldValidation,
 *   resourceVersionMatch, includeObject) is a 422 Invalid naming the options
 *   kind (`CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: …`).
 *
 * Each verb's options are read once, here, and the server uses the result.
 */
import { ApiError, badRequest, type StatusCause } from './api-error.js';
import type { IncludeObject } from './table.js';

type Query = URLSearchParams;

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';
export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

/** The longest fieldManager a server takes (apimachinery's FieldManagerMaxLength). */
export const FIELD_MANAGER_MAX_LENGTH = 128;

// ---------------------------------------------------------------- decoding (400)

/**
 * A boolean parameter: undefined when absent; false for "0" and any case of
 * "false"; true for anything else, the empty string included.
 */
export function queryBool(query: Query, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  return !(v === '0' || v.toLowerCase() === 'false');
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * An integer parameter as Go's strconv.ParseInt(v, 10, 64) reads it:
 * undefined when absent; a 400 with Go's message when it is not a base-10
 * 64-bit integer (an empty value included).
 */
export function queryInt64(query: Query, name: string): number | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  return parseInt64(v);
}

/** Go's strconv.ParseInt(v, 10, 64), failing as a 400 with its error text. */
export function parseInt64(v: string): number {
  if (!/^[+-]?[0-9]+$/.test(v)) throw badRequest(`strconv.ParseInt: parsing ${goQuote(v)}: invalid syntax`);
  const n = BigInt(v);
  if (n < INT64_MIN || n > INT64_MAX) throw badRequest(`strconv.ParseInt: parsing ${goQuote(v)}: value out of range`);
  return Number(n);
}

/**
 * Whether the answer is pretty-printed: `pretty` read with strconv.ParseBool
 * (a value it cannot read is false, never an error), and by default for
 * curl, Wget and browsers, as kube-apiserver's isPrettyPrint decides.
 */
export function isPrettyPrint(query: Query, userAgent: string | undefined): boolean {
  const v = query.get('pretty');
  if (v) return GO_TRUE.has(v);
  const agent = userAgent ?? '';
  return agent.startsWith('curl') || agent.startsWith('Wget') || agent.startsWith('Mozilla/5.0');
}

/** The spellings Go's strconv.ParseBool reads as true. */
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

// ---------------------------------------------------------------- validation (422)

/** One field.Error of a validation: its field path, reason, and the message after the path. */
export interface FieldError {
  field: string;
  reason: 'FieldValueNotSupported' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueTooLong';
  message: string;
}

const notSupported = (field: string, shown: string, supported: string[]): FieldError => ({
  field,
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${shown}: supported values: ${supported.map(goQuote).join(', ')}`,
});
const forbidden = (field: string, detail: string): FieldError => ({ field, reason: 'FieldValueForbidden', message: `Forbidden: ${detail}` });
const required = (field: string, detail: string): FieldError => ({ field, reason: 'FieldValueRequired', message: `Required value: ${detail}` });
const invalidValue = (field: string, shown: string, detail: string): FieldError => ({
  field,
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${shown}: ${detail}`,
});

/**
 * The 422 a failed options validation answers:
 * `ListOptions.meta.k8s.io "" is invalid: [a, b]`, as errors.NewInvalid words it.
 */
export function invalidOptions(kind: string, errors: FieldError[]): ApiError {
  const text = errors.map((e) => `${e.field}: ${e.message}`);
  const causes: StatusCause[] = errors.map((e) => ({ reason: e.reason, message: e.message, field: e.field }));
  return new ApiError(422, 'Invalid', `${kind}.meta.k8s.io "" is invalid: ${text.length === 1 ? text[0] : `[${text.join(', ')}]`}`, {
    group: 'meta.k8s.io',
    kind,
    causes,
  });
}

function throwIfAny(kind: string, errors: FieldError[]): void {
  if (errors.length) throw invalidOptions(kind, errors);
}

function validateDryRun(values: string[]): FieldError[] {
  // A Go []string printed with %#v.
  return values.every((v) => v === 'All') ? [] : [notSupported('dryRun', `[]string{${values.map(goQuote).join(', ')}}`, ['All'])];
}

function validateFieldManager(manager: string): FieldError[] {
  const errors: FieldError[] = [];
  if (Buffer.byteLength(manager) > FIELD_MANAGER_MAX_LENGTH) {
    errors.push({ field: 'fieldManager', reason: 'FieldValueTooLong', message: `Too long: must have at most ${FIELD_MANAGER_MAX_LENGTH} bytes` });
  }
  let at = 0;
  for (const ch of manager) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      errors.push(invalidValue('fieldManager', goQuote(manager), `invalid character U+${code} (at position ${at})`));
    }
    at += Buffer.byteLength(ch); // Go ranges over a string by byte offset
  }
  return errors;
}

const FIELD_VALIDATIONS = ['', 'Ignore', 'Strict', 'Warn'];

function validateFieldValidation(value: string): FieldError[] {
  return FIELD_VALIDATIONS.includes(value) ? [] : [notSupported('fieldValidation', goQuote(value), FIELD_VALIDATIONS)];
}

// ---------------------------------------------------------------- options per verb

export interface ListOptions {
  labelSelector: string;
  fieldSelector: string;
  watch: boolean;
  allowWatchBookmarks: boolean;
  resourceVersion: string;
  resourceVersionMatch: string;
  /** Undefined when not given (the server picks its own). */
  timeoutSeconds?: number;
  /** 0 (or less) means no limit. */
  limit: number;
  continue: string;
  sendInitialEvents?: boolean;
}

/**
 * The ListOptions of a list or watch. The lab serves as a 1.31 server
 * does, without the WatchList feature, so `sendInitialEvents` on a watch is
 * refused as such a server refuses it (a client falls back to list + watch).
 */
export function listOptions(query: Query): ListOptions {
  const opts: ListOptions = {
    labelSelector: query.get('labelSelector') ?? '',
    fieldSelector: query.get('fieldSelector') ?? '',
    watch: queryBool(query, 'watch') ?? false,
    allowWatchBookmarks: queryBool(query, 'allowWatchBookmarks') ?? false,
    resourceVersion: query.get('resourceVersion') ?? '',
    resourceVersionMatch: query.get('resourceVersionMatch') ?? '',
    timeoutSeconds: queryInt64(query, 'timeoutSeconds'),
    limit: queryInt64(query, 'limit') ?? 0,
    continue: query.get('continue') ?? '',
    sendInitialEvents: queryBool(query, 'sendInitialEvents'),
  };
  throwIfAny('ListOptions', opts.watch ? watchErrors(opts) : listErrors(opts));
  return opts;
}

function listErrors(o: ListOptions): FieldError[] {
  const errors: FieldError[] = [];
  const match = o.resourceVersionMatch;
  if (match) {
    if (!o.resourceVersion) errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (o.continue) errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errors.push(notSupported('resourceVersionMatch', goQuote(match), ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && o.resourceVersion === '0') {
      errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
  }
  if (o.sendInitialEvents !== undefined) errors.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errors;
}

function watchErrors(o: ListOptions): FieldError[] {
  const errors: FieldError[] = [];
  const match = o.resourceVersionMatch;
  if (o.sendInitialEvents !== undefined) {
    if (match !== 'NotOlderThan') errors.push(forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
    errors.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled'));
  }
  if (match) {
    if (o.sendInitialEvents === undefined) errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== 'NotOlderThan') errors.push(notSupported('resourceVersionMatch', goQuote(match), ['NotOlderThan']));
    if (o.continue) errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  return errors;
}

export interface WriteOptions {
  dryRun: boolean;
  /** As sent; empty when not given (the server then names the manager after the user agent). */
  fieldManager: string;
  /** Warn when not given. */
  fieldValidation: FieldValidation;
}

/** The CreateOptions (POST) or UpdateOptions (PUT) of a request. */
export function writeOptions(query: Query, verb: 'create' | 'update'): WriteOptions {
  const dryRun = query.getAll('dryRun');
  const fieldManager = query.get('fieldManager') ?? '';
  const fieldValidation = query.get('fieldValidation') ?? '';
  throwIfAny(verb === 'create' ? 'CreateOptions' : 'UpdateOptions', [
    ...validateFieldManager(fieldManager),
    ...validateDryRun(dryRun),
    ...validateFieldValidation(fieldValidation),
  ]);
  return { dryRun: dryRun.length > 0, fieldManager, fieldValidation: (fieldValidation || 'Warn') as FieldValidation };
}

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only. */
  force: boolean;
}

/** The PatchOptions of a PATCH; `apply` when its body is application/apply-patch+yaml. */
export function patchOptions(query: Query, apply: boolean): PatchOptions {
  const dryRun = query.getAll('dryRun');
  const fieldManager = query.get('fieldManager') ?? '';
  const fieldValidation = query.get('fieldValidation') ?? '';
  const force = queryBool(query, 'force');
  const errors: FieldError[] = [];
  if (!apply) {
    if (force !== undefined) errors.push(forbidden('force', 'may not be specified for non-apply patch'));
  } else if (!fieldManager) {
    errors.push(required('fieldManager', 'is required for apply patch'));
  }
  throwIfAny('PatchOptions', [...errors, ...validateFieldManager(fieldManager), ...validateDryRun(dryRun), ...validateFieldValidation(fieldValidation)]);
  return { dryRun: dryRun.length > 0, fieldManager, fieldValidation: (fieldValidation || 'Warn') as FieldValidation, force: force ?? false };
}

export interface DeleteOptions {
  dryRun: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** The DeleteOptions of a DELETE without a body, from its query. */
export function deleteOptionsFromQuery(query: Query): DeleteOptions {
  return validateDeleteOptions({
    dryRun: query.getAll('dryRun'),
    gracePeriodSeconds: queryInt64(query, 'gracePeriodSeconds'),
    orphanDependents: queryBool(query, 'orphanDependents'),
    propagationPolicy: query.get('propagationPolicy') ?? undefined,
  });
}

/** DeleteOptions as sent (query or body), checked as ValidateDeleteOptions checks them. */
export function validateDeleteOptions(raw: {
  dryRun?: string[];
  gracePeriodSeconds?: number;
  orphanDependents?: boolean;
  propagationPolicy?: string;
  preconditions?: DeleteOptions['preconditions'];
}): DeleteOptions {
  const errors: FieldError[] = [];
  const policy = raw.propagationPolicy;
  if (raw.orphanDependents !== undefined && policy !== undefined) {
    errors.push(invalidValue('propagationPolicy', goQuote(policy), 'orphanDependents and deletionPropagation cannot be both set'));
  }
  if (policy !== undefined && policy !== 'Foreground' && policy !== 'Background' && policy !== 'Orphan') {
    errors.push(notSupported('propagationPolicy', goQuote(policy), ['Foreground', 'Background', 'Orphan', 'nil']));
  }
  errors.push(...validateDryRun(raw.dryRun ?? []));
  throwIfAny('DeleteOptions', errors);
  return {
    dryRun: (raw.dryRun ?? []).length > 0,
    gracePeriodSeconds: raw.gracePeriodSeconds,
    orphanDependents: raw.orphanDependents,
    propagationPolicy: policy as PropagationPolicy | undefined,
    preconditions: raw.preconditions,
  };
}

/** The TableOptions of a request answered as a Table: which object each row carries (Metadata by default). */
export function tableOptions(query: Query): IncludeObject {
  const v = query.get('includeObject') ?? '';
  if (v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw invalidOptions('TableOptions', [invalidValue('includeObject', goQuote(v), "must be 'Metadata', 'Object', 'None', or empty")]);
}

/** A string as Go's %q (strconv.Quote) prints it, close enough for the ASCII a query carries. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
