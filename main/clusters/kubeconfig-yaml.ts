/**
 * A fast path for reading a kubeconfig: the block YAML that kubectl and the
 * lab write (mappings, sequences, plain scalars, `{}` and `[]`), parsed line
 * by line. client-node's `loadFromString` parses with js-yaml, which over a
 * 300-context kubeconfig (750 kB, mostly base64) is most of what `flotilla
 * fleet --kubeconfig` spends before it contacts a cluster.
 *
 * It gives js-yaml's answer or none: anything outside that subset (quotes,
 * comments, anchors, tags, block scalars, flow collections that are not
 * empty, multi-line or spaced scalars, empty values, duplicate keys, a
 * scalar js-yaml might read as a number, a date, a boolean or null) makes it
 * return undefined, and the caller lets client-node parse the text as
 * before. What it returns then goes through client-node's own
 * normalisation (newClusters, newContexts, newUsers), exactly as
 * `loadFromString` does.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { newClusters, newContexts, newUsers } from '@kubernetes/client-node/dist/config_types.js';

type Value = string | Value[] | { [key: string]: Value };

interface Line {
  indent: number;
  content: string;
}

/** Thrown inside the parser when the text leaves the subset; never escapes it. */
class OutsideSubset extends Error {}

/** Keys the subset reads as themselves: a letter or `_` first, no character that YAML might treat specially. */
const KEY = /^([A-Za-z_][A-Za-z0-9_./-]*):(?: (.*))?$/;
/**
 * A plain scalar of visible ASCII with nothing that starts or ends one
 * differently: no indicator first (but `-` before another character, as
 * base64url tokens start), no spaces, `#` or flow punctuation.
 */
const PLAIN = /^(?:[^-?:,[\]{}#&*!|>'"%@`\s]|-[^\s,[\]{}#])[^\s,[\]{}#]*$/;
/**
 * Scalars js-yaml's default schema might resolve to something other than a
 * string: null and booleans by name, .inf and .nan, the merge key, and
 * anything that starts like a number and uses only characters that
 * integers (any base), floats and timestamps use. Over-matching only sends
 * a file to js-yaml.
 */
const MAYBE_TYPED = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|<<|[-+.0-9][0-9a-fA-FxXoO_+.:tTzZ-]*)$/;

/**
 * The kubeconfig `text` as js-yaml would load it, or undefined when the
 * text is not in the subset this reads (see the module comment).
 */
export function parseKubeconfigYaml(text: string): Record<string, Value> | undefined {
  if (/[^\n\x20-\x7e]/.test(text)) return undefined; // tabs, CR, a BOM, anything not ASCII
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    if (raw.endsWith(' ')) return undefined;
    const indent = raw.length - raw.trimStart().length;
    lines.push({ indent, content: raw.slice(indent) });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
  try {
    const [doc, next] = mapping(lines, 0, 0);
    return next === lines.length ? doc : undefined;
  } catch (err) {
    if (err instanceof OutsideSubset) return undefined;
    throw err;
  }
}

/**
 * Loads `text` into `kc` as `kc.loadFromString(text)` would, by the fast
 * path where the text allows it.
 */
export function loadKubeconfigText(kc: KubeConfig, text: string): void {
  const doc = parseKubeconfigYaml(text);
  if (!doc) {
    kc.loadFromString(text);
    return;
  }
  // What loadFromString does with js-yaml's result.
  kc.loadFromOptions({
    clusters: newClusters(doc.clusters),
    contexts: newContexts(doc.contexts),
    users: newUsers(doc.users),
    currentContext: doc['current-context'],
  });
}

const outside = (): never => {
  throw new OutsideSubset();
};

const isItem = (l: Line) => l.content === '-' || l.content.startsWith('- ');

function scalar(s: string): Value {
  if (s === '{}') return {};
  if (s === '[]') return [];
  if (!PLAIN.test(s) || s.endsWith(':') || MAYBE_TYPED.test(s)) outside();
  return s;
}

/** The block starting at line `i` (a mapping or a sequence at its indentation); the value and the next line. */
function block(lines: Line[], i: number): [Value, number] {
  const l = lines[i]!;
  return isItem(l) ? sequence(lines, i, l.indent) : mapping(lines, i, l.indent);
}

function mapping(lines: Line[], i: number, col: number): [Record<string, Value>, number] {
  const out: Record<string, Value> = {};
  while (i < lines.length && lines[i]!.indent === col) {
    const l = lines[i]!;
    const m = isItem(l) ? null : KEY.exec(l.content);
    if (!m) return outside();
    const key = m[1]!;
    if (MAYBE_TYPED.test(key) || key === '__proto__' || Object.hasOwn(out, key)) outside();
    const rest = m[2];
    i++;
    if (rest === undefined) {
      // `key:` then its block: deeper, or a sequence at the key's own indentation (kubectl's style).
      const next = lines[i];
      if (!next || next.indent < col || (next.indent === col && !isItem(next))) outside(); // an empty value: null
      [out[key], i] = block(lines, i);
    } else {
      if (rest.startsWith(' ')) outside();
      out[key] = scalar(rest);
    }
  }
  if (i < lines.length && lines[i]!.indent > col) outside(); // a continuation line, or indentation out of place
  return [out, i];
}

function sequence(lines: Line[], i: number, col: number): [Value[], number] {
  const out: Value[] = [];
  while (i < lines.length && lines[i]!.indent === col && isItem(lines[i]!)) {
    const rest = lines[i]!.content.slice(2);
    if (rest === '' || rest.startsWith(' ')) outside();
    if (KEY.test(rest)) {
      // `- key: …`: a mapping whose keys line up with this first one (the lines are this parse's own).
      lines[i] = { indent: col + 2, content: rest };
      const [item, next] = mapping(lines, i, col + 2);
      out.push(item);
      i = next;
    } else {
      out.push(scalar(rest));
      i++;
    }
  }
  if (i < lines.length && lines[i]!.indent > col) outside();
  return [out, i];
}
