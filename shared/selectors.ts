/**
 * Kubernetes label and field selectors, parsed and matched the way
 * kube-apiserver does (k8s.io/apimachinery `labels.Parse` and
 * `fields.ParseSelector`), so that what the lab fleet accepts for `kubectl -l`
 * or `--field-selector`, and what the app uses to pick clusters for a
 * distribution, agree with a real cluster. Error messages follow the
 * apiserver's wording because kubectl shows them verbatim.
 *
 * Pure: no node:* imports, no I/O.
 */

/** Thrown for a selector the apiserver would answer with 400 BadRequest. */
export class SelectorError extends Error {
  constructor(
    message: string,
    /** For a label selector: the offset in the text of the token where parsing failed (an editor points there). */
    readonly position?: number,
  ) {
    super(message);
    this.name = 'SelectorError';
  }
}

// ---------------------------------------------------------------------------
// Label selectors

/**
 * `==` parses to `Equals` (the apiserver treats both alike); `GreaterThan` and
 * `LessThan` are the apiserver's `a>1` / `a<1`, which kubectl passes through.
 */
export type LabelOperator = 'In' | 'NotIn' | 'Equals' | 'NotEquals' | 'Exists' | 'DoesNotExist' | 'GreaterThan' | 'LessThan';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Sorted and distinct; empty for Exists/DoesNotExist, one value for the exact and numeric operators. */
  readonly values: readonly string[];
}

/** All requirements must hold; the empty selector selects everything. */
export type LabelSelector = readonly LabelRequirement[];

/** metav1.LabelSelector as found in Deployments, Kasten distributions and the like. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] | null }[] | null;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const INT64_MAX = 2n ** 63n - 1n;

/** validation.IsQualifiedName: `[prefix/]name`, the prefix a DNS subdomain. */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) {
    return [`a qualified name ${QUALIFIED_NAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const errs: string[] = [];
  const name = parts.length === 2 ? parts[1] : parts[0];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '') errs.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) errs.push('prefix part must be no more than 253 characters');
      if (!DNS1123_SUBDOMAIN.test(prefix)) {
        errs.push(
          "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character " +
            "(e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        );
      }
    }
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (!QUALIFIED_NAME.test(name)) errs.push(`name part ${QUALIFIED_NAME_MSG}`);
  return errs;
}

export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value)) {
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
        "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  }
  return errs;
}

/** strconv.ParseInt(s, 10, 64), exact beyond 2^53. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n > INT64_MAX || n < -INT64_MAX - 1n ? undefined : n;
}

function invalid(field: string, value: string, detail: string): string {
  return `${field}: Invalid value: ${JSON.stringify(value)}: ${detail}`;
}

/** labels.NewRequirement: validates, then sorts and de-duplicates the values. */
function requirement(key: string, operator: LabelOperator, values: readonly string[]): LabelRequirement {
  const errs: string[] = [];
  const keyErrs = labelKeyErrors(key);
  if (keyErrs.length) errs.push(invalid('key', key, keyErrs.join('; ')));
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty");
      break;
    case 'Equals':
    case 'NotEquals':
      if (values.length !== 1) errs.push(`values: Invalid value: ${JSON.stringify(values)}: exact-match compatibility requires one single value`);
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) errs.push(`values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`);
      break;
    case 'GreaterThan':
    case 'LessThan':
      if (values.length !== 1) errs.push(`values: Invalid value: ${JSON.stringify(values)}: for 'Gt', 'Lt' operators, exactly one value is required`);
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  values.forEach((v, i) => {
    const valueErrs = labelValueErrors(v);
    if (valueErrs.length) errs.push(invalid(`values[${i}][${key}]`, v, valueErrs.join('; ')));
  });
  if (errs.length) throw new SelectorError(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  return { key, operator, values: [...new Set(values)].sort() };
}

function byKey(a: LabelRequirement, b: LabelRequirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

type TokenKind = 'id' | 'in' | 'notin' | '!' | '!=' | '=' | '==' | '>' | '<' | '(' | ')' | ',' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  /** Offset of the token in the selector text. */
  at: number;
}

const SYMBOLS = new Set(['!', '!=', '=', '==', '>', '<', '(', ')', ',']);
const isSpecial = (ch: string) => '=!(),><'.includes(ch);
const isSpace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';

/** The apiserver's lexer: symbols take the longest known operator, anything else up to a symbol or blank is a word. */
function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && isSpace(text[i])) i++;
    if (i >= text.length) {
      tokens.push({ kind: 'end', text: '', at: text.length });
      return tokens;
    }
    const start = i;
    if (isSpecial(text[i])) {
      i++;
      if (i < text.length && SYMBOLS.has(text.slice(start, i + 1))) i++;
    } else {
      while (i < text.length && !isSpecial(text[i]) && !isSpace(text[i])) i++;
    }
    const word = text.slice(start, i);
    const kind = SYMBOLS.has(word) || word === 'in' || word === 'notin' ? (word as TokenKind) : 'id';
    tokens.push({ kind, text: word, at: start });
  }
}

/**
 * Recursive descent over the token list. `in`/`notin` are keywords only
 * where an operator is expected; as keys and values they are plain words,
 * as in the apiserver (`in in (in)` is a valid selector).
 */
class LabelParser {
  private pos = 0;
  /** Where the token last looked at starts: what an error points at. */
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    const t = this.tokens[this.pos];
    this.at = t.at;
    return t.kind === 'in' || t.kind === 'notin' ? { kind: 'id', text: t.text, at: t.at } : t;
  }

  private next(asOperator = false): Token {
    const t = this.tokens[this.pos++];
    this.at = t.at;
    return asOperator ? t : t.kind === 'in' || t.kind === 'notin' ? { kind: 'id', text: t.text, at: t.at } : t;
  }

  parse(): LabelRequirement[] {
    try {
      return this.requirements();
    } catch (e) {
      if (e instanceof SelectorError && e.position === undefined) throw new SelectorError(e.message, this.at);
      throw e;
    }
  }

  private requirements(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'end') return reqs;
      if (t.kind !== 'id' && t.kind !== '!') throw new SelectorError(`found '${t.text}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const sep = this.next();
      if (sep.kind === 'end') return reqs;
      if (sep.kind !== ',') throw new SelectorError(`found '${sep.text}', expected: ',' or 'end of string'`);
      const after = this.peek();
      if (after.kind !== 'id' && after.kind !== '!') throw new SelectorError(`found '${after.text}', expected: identifier after ','`);
    }
  }

  private requirement(): LabelRequirement {
    let t = this.next();
    const negated = t.kind === '!';
    if (negated) t = this.next();
    if (t.kind !== 'id') throw new SelectorError(`found '${t.text}', expected: identifier`);
    const key = t.text;
    const keyErrs = labelKeyErrors(key);
    if (keyErrs.length) throw new SelectorError(invalid('key', key, keyErrs.join('; ')));
    const following = this.peek().kind;
    if (negated) return requirement(key, 'DoesNotExist', []);
    if (following === 'end' || following === ',') return requirement(key, 'Exists', []);

    const op = this.next(true);
    switch (op.kind) {
      case 'in':
      case 'notin':
        return requirement(key, op.kind === 'in' ? 'In' : 'NotIn', this.valueSet());
      case '=':
      case '==':
        return requirement(key, 'Equals', [this.exactValue()]);
      case '!=':
        return requirement(key, 'NotEquals', [this.exactValue()]);
      case '>':
        return requirement(key, 'GreaterThan', [this.exactValue()]);
      case '<':
        return requirement(key, 'LessThan', [this.exactValue()]);
      default:
        throw new SelectorError(`found '${op.text}', expected: '=', '!=', '==', 'in', notin'`);
    }
  }

  /** `(a,b)` as a sorted set; empty members (`()`, `(a,)`, `(,a)`) are the empty value, as in the apiserver. */
  private valueSet(): string[] {
    const open = this.next();
    if (open.kind !== '(') throw new SelectorError(`found '${open.text}' expected: '('`);
    const first = this.peek();
    if (first.kind === ')') {
      this.next();
      return [''];
    }
    if (first.kind !== 'id' && first.kind !== ',') throw new SelectorError(`found '${first.text}', expected: ',', ')' or identifier`);
    const values: string[] = [];
    let expectValue = true;
    for (;;) {
      const t = this.next();
      if (t.kind === 'id') {
        values.push(t.text);
        expectValue = false;
        const after = this.peek();
        if (after.kind !== ',' && after.kind !== ')') throw new SelectorError(`found '${after.text}', expected: ',' or ')'`);
      } else if (t.kind === ',') {
        if (expectValue) values.push('');
        expectValue = true;
      } else if (t.kind === ')') {
        if (expectValue) values.push('');
        return [...new Set(values)].sort();
      } else {
        throw new SelectorError(`found '${t.text}', expected: ',', or identifier`);
      }
    }
  }

  private exactValue(): string {
    const t = this.peek();
    if (t.kind === 'end' || t.kind === ',') return '';
    this.next();
    if (t.kind !== 'id') throw new SelectorError(`found '${t.text}', expected: identifier`);
    return t.text;
  }
}

/**
 * Parses a label selector as the apiserver does for `?labelSelector=`:
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, `a>1`,
 * `a<1`, joined by commas. The result is sorted by key; `''` selects
 * everything.
 * @throws SelectorError with the apiserver's message for bad syntax or invalid keys/values.
 */
export function parseLabelSelector(text: string): LabelSelector {
  return new LabelParser(lex(text)).parse().sort(byKey);
}

/** Whether a requirement holds for a label set; the apiserver's `Requirement.Matches`. */
function matchesRequirement(r: LabelRequirement, labels: Record<string, string>): boolean {
  const present = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case 'In':
    case 'Equals':
      return present && r.values.includes(value);
    case 'NotIn':
    case 'NotEquals':
      return !present || !r.values.includes(value);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    case 'GreaterThan':
    case 'LessThan': {
      const have = present ? parseInt64(value) : undefined;
      const want = parseInt64(r.values[0] ?? '');
      if (have === undefined || want === undefined) return false;
      return r.operator === 'GreaterThan' ? have > want : have < want;
    }
  }
}

/** True when every requirement holds; missing labels count as an empty set. */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const set = labels ?? {};
  return selector.every((r) => matchesRequirement(r, set));
}

/**
 * metav1.LabelSelector → LabelSelector, as `LabelSelectorAsSelector` does:
 * matchLabels become `Equals`, matchExpressions keep their operator (`In`,
 * `NotIn`, `Exists`, `DoesNotExist`). An empty object selects everything.
 * @throws SelectorError for an unknown operator or invalid keys/values.
 */
export function labelSelectorFromObject(obj: LabelSelectorObject): LabelSelector {
  const reqs: LabelRequirement[] = Object.entries(obj.matchLabels ?? {}).map(([k, v]) => requirement(k, 'Equals', [v]));
  for (const expr of obj.matchExpressions ?? []) {
    const op = expr.operator;
    if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') {
      throw new SelectorError(`${JSON.stringify(op)} is not a valid label selector operator`);
    }
    reqs.push(requirement(expr.key, op, expr.values ?? []));
  }
  return reqs.sort(byKey);
}

function formatRequirement(r: LabelRequirement): string {
  const values = [...r.values].sort();
  switch (r.operator) {
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'In':
      return `${r.key} in (${values.join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${values.join(',')})`;
    case 'Equals':
      return `${r.key}=${values[0] ?? ''}`;
    case 'NotEquals':
      return `${r.key}!=${values[0] ?? ''}`;
    case 'GreaterThan':
      return `${r.key}>${values[0] ?? ''}`;
    case 'LessThan':
      return `${r.key}<${values[0] ?? ''}`;
  }
}

/** The canonical string, sorted by key and value, as `Selector.String()` prints it; parses back to an equal selector. */
export function formatLabelSelector(selector: LabelSelector): string {
  return [...selector].sort(byKey).map(formatRequirement).join(',');
}

// ---------------------------------------------------------------------------
// Field selectors

export interface FieldRequirement {
  /** Dotted path as written, e.g. `metadata.name`; the server decides which it supports. */
  readonly field: string;
  readonly operator: 'Equals' | 'NotEquals';
  /** Unescaped value (`\,` `\=` `\\` in the text). */
  readonly value: string;
}

export type FieldSelector = readonly FieldRequirement[];

/** Splits on commas not escaped with a backslash, keeping escapes for the value to undo. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

function unescapeValue(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      const next = s[++i];
      if (next !== '\\' && next !== ',' && next !== '=') {
        throw new SelectorError(`invalid field selector: invalid escape sequence: \\${next ?? ''}`);
      }
      out += next;
    } else if (c === ',' || c === '=') {
      throw new SelectorError(`invalid field selector: unescaped character in value: ${c}`);
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * Parses a field selector as the apiserver does for `?fieldSelector=`:
 * `path=value`, `path==value`, `path!=value`, comma-joined, with `\,` `\=`
 * `\\` escapes in values. Terms are sorted like the apiserver sorts them.
 * Which paths are allowed is the caller's business: see {@link fieldSelectorPaths}.
 * @throws SelectorError for a term without an operator or a bad escape.
 */
export function parseFieldSelector(text: string): FieldSelector {
  if (text === '') return [];
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(text).sort()) {
    if (term === '') continue;
    // The first operator wins and `!=`/`==` before `=`, so `a==b` is not `a` = `=b`.
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(term);
    if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    reqs.push({ field: m[1], operator: m[2] === '!=' ? 'NotEquals' : 'Equals', value: unescapeValue(m[3]) });
  }
  return reqs;
}

function escapeValue(v: string): string {
  return v.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** The canonical string of a field selector; parses back to an equal selector. */
export function formatFieldSelector(selector: FieldSelector): string {
  return selector
    .map((r) => `${r.field}${r.operator === 'Equals' ? '=' : '!='}${escapeValue(r.value)}`)
    .sort()
    .join(',');
}

/** The distinct field paths a selector uses, so a server can reject ones it does not index. */
export function fieldSelectorPaths(selector: FieldSelector): string[] {
  return [...new Set(selector.map((r) => r.field))];
}

/**
 * The value at a dotted path as a field selector sees it: scalars as their
 * string form, anything missing or not a scalar as `''` (so
 * `metadata.namespace=` selects cluster-scoped objects, as on a real server).
 */
function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'string' || typeof cur === 'number' || typeof cur === 'boolean' ? String(cur) : '';
}

/** True when every term holds for the object, reading each term's dotted path from it. */
export function matchesFields(selector: FieldSelector, obj: unknown): boolean {
  return selector.every((r) => (fieldValue(obj, r.field) === r.value) === (r.operator === 'Equals'));
}
