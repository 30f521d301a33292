import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FieldSelector,
  type LabelRequirement,
  type LabelSelector,
  SelectorError,
  fieldSelectorPaths,
  formatFieldSelector,
  formatLabelSelector,
  labelSelectorFromObject,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../../shared/selectors.js';

const matches = (selector: string, labels?: Record<string, string>) => matchesLabels(parseLabelSelector(selector), labels);

function parseError(text: string): string {
  try {
    parseLabelSelector(text);
  } catch (e) {
    expect(e).toBeInstanceOf(SelectorError);
    return (e as Error).message;
  }
  throw new Error(`${JSON.stringify(text)} parsed`);
}

describe('parseLabelSelector', () => {
  it('parses every operator kubectl -l accepts', () => {
    expect(parseLabelSelector('a=b,c==d,e!=f,g in (y,x),h notin (z),i,!j,k>5,l<10')).toEqual([
      { key: 'a', operator: 'Equals', values: ['b'] },
      { key: 'c', operator: 'Equals', values: ['d'] },
      { key: 'e', operator: 'NotEquals', values: ['f'] },
      { key: 'g', operator: 'In', values: ['x', 'y'] },
      { key: 'h', operator: 'NotIn', values: ['z'] },
      { key: 'i', operator: 'Exists', values: [] },
      { key: 'j', operator: 'DoesNotExist', values: [] },
      { key: 'k', operator: 'GreaterThan', values: ['5'] },
      { key: 'l', operator: 'LessThan', values: ['10'] },
    ]);
  });

  it('selects everything when empty or blank', () => {
    expect(parseLabelSelector('')).toEqual([]);
    expect(parseLabelSelector(' \t ')).toEqual([]);
    expect(matches('', undefined)).toBe(true);
  });

  it('tolerates whitespace around tokens as the apiserver does', () => {
    expect(parseLabelSelector('  app = web ,  tier in ( a , b ) , ! gone ')).toEqual(parseLabelSelector('app=web,tier in (a,b),!gone'));
    expect(parseLabelSelector('tier in(a,b)')).toEqual(parseLabelSelector('tier in (a,b)'));
  });

  it('accepts prefixed keys', () => {
    expect(parseLabelSelector('app.kubernetes.io/name=k10,dist.kio.kasten.io/cluster-type in (secondary)')).toEqual([
      { key: 'app.kubernetes.io/name', operator: 'Equals', values: ['k10'] },
      { key: 'dist.kio.kasten.io/cluster-type', operator: 'In', values: ['secondary'] },
    ]);
  });

  it('sorts requirements by key and values alphabetically, dropping duplicate values', () => {
    expect(parseLabelSelector('z=1,a in (c,b,c)')).toEqual([
      { key: 'a', operator: 'In', values: ['b', 'c'] },
      { key: 'z', operator: 'Equals', values: ['1'] },
    ]);
  });

  it('treats empty values as the empty label value', () => {
    expect(parseLabelSelector('a=')[0].values).toEqual(['']);
    expect(parseLabelSelector('a in ()')[0].values).toEqual(['']);
    expect(parseLabelSelector('a in (x,)')[0].values).toEqual(['', 'x']);
    expect(parseLabelSelector('a in (,x)')[0].values).toEqual(['', 'x']);
    expect(parseLabelSelector('a in (x,,y)')[0].values).toEqual(['', 'x', 'y']);
  });

  it('reads in and notin as words where a key or value is expected', () => {
    expect(parseLabelSelector('in in (in,notin)')).toEqual([{ key: 'in', operator: 'In', values: ['in', 'notin'] }]);
    expect(parseLabelSelector('notin=in')).toEqual([{ key: 'notin', operator: 'Equals', values: ['in'] }]);
  });

  it('validates label values like the apiserver', () => {
    expect(parseLabelSelector(`a=${'x'.repeat(63)}`)[0].values[0]).toHaveLength(63);
    expect(parseLabelSelector('a=A-b_c.9')[0].values).toEqual(['A-b_c.9']);
    expect(parseError(`a=${'x'.repeat(64)}`)).toContain('must be no more than 63 characters');
    expect(parseError('a=-x')).toBe(
      'unable to parse requirement: values[0][a]: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, ' +
        "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', " +
        "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
    expect(parseError('a in (x_,ok)')).toContain('values[1][a]: Invalid value: "x_"');
  });

  it('validates label keys like the apiserver', () => {
    expect(parseError('Bad_=x')).toMatch(/^unable to parse requirement: key: Invalid value: "Bad_": name part must consist of alphanumeric/);
    expect(parseError('Example.com/a=x')).toContain('prefix part a lowercase RFC 1123 subdomain');
    expect(parseError('/a')).toContain('prefix part must be non-empty');
    expect(parseError('a/')).toContain('name part must be non-empty');
    expect(parseError(`${'k'.repeat(64)}`)).toContain('name part must be no more than 63 characters');
    expect(parseError('x/y/z')).toContain('a qualified name must consist of');
    expect(parseLabelSelector(`${'k'.repeat(63)}`)).toHaveLength(1);
  });

  it.each([
    ['a b', "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'"],
    ['a!', "unable to parse requirement: found '!', expected: '=', '!=', '==', 'in', notin'"],
    ['a,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
    ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (x,', "unable to parse requirement: found '', expected: ',', or identifier"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['a>x', 'unable to parse requirement: values[0]: Invalid value: "x": for \'Gt\', \'Lt\' operators, the value must be an integer'],
  ])('rejects %j', (text, message) => {
    expect(parseError(text)).toBe(message);
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'front', 'example.com/team': 'ops', n: '42' };

  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db,web)', true],
    ['app in (db)', false],
    ['missing in (x)', false],
    ['app notin (db)', true],
    ['app notin (web)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['example.com/team=ops,app=web', true],
    ['example.com/team=ops,app=db', false],
    ['n>41', true],
    ['n>42', false],
    ['n<43', true],
    ['app>1', false],
    ['missing<1', false],
    ['missing=', false],
  ])('%s → %s', (selector, expected) => {
    expect(matches(selector, labels)).toBe(expected);
  });

  it('compares Gt/Lt as 64-bit integers, exactly', () => {
    expect(matches('n>9007199254740992', { n: '9007199254740993' })).toBe(true);
    expect(matches('n<9223372036854775807', { n: '9223372036854775808' })).toBe(false);
  });

  it('treats missing labels as an empty set', () => {
    expect(matches('!app', undefined)).toBe(true);
    expect(matches('app', undefined)).toBe(false);
    expect(matches('app notin (x)', undefined)).toBe(true);
  });

  it('does not see inherited properties as labels', () => {
    expect(matches('constructor', {})).toBe(false);
    expect(matches('!toString', {})).toBe(true);
  });
});

describe('labelSelectorFromObject', () => {
  it('turns matchLabels into Equals and keeps matchExpressions operators', () => {
    const sel = labelSelectorFromObject({
      matchLabels: { 'dist.kio.kasten.io/cluster-type': 'secondary', region: 'eu' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'owner', operator: 'Exists', values: null },
      ],
    });
    expect(formatLabelSelector(sel)).toBe('dist.kio.kasten.io/cluster-type=secondary,env notin (dev),!legacy,owner,region=eu,tier in (a,b)');
    expect(matchesLabels(sel, { 'dist.kio.kasten.io/cluster-type': 'secondary', region: 'eu', tier: 'a', owner: 'x' })).toBe(true);
    expect(matchesLabels(sel, { 'dist.kio.kasten.io/cluster-type': 'secondary', region: 'eu', tier: 'a' })).toBe(false);
  });

  it('selects everything when empty', () => {
    expect(labelSelectorFromObject({})).toEqual([]);
    expect(labelSelectorFromObject({ matchLabels: null, matchExpressions: null })).toEqual([]);
  });

  it('rejects unknown operators and invalid requirements', () => {
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toThrow(
      new SelectorError('"Gt" is not a valid label selector operator'),
    );
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(/values set can't be empty/);
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toThrow(/must be empty/);
    expect(() => labelSelectorFromObject({ matchLabels: { 'bad key': 'x' } })).toThrow(SelectorError);
  });
});

describe('formatLabelSelector', () => {
  it('prints the canonical form, sorted, with = for ==', () => {
    expect(formatLabelSelector(parseLabelSelector(' z==1 , a in (c,b), !m, k notin (x), e , n>3'))).toBe('a in (b,c),e,k notin (x),!m,n>3,z=1');
  });

  it('sorts hand-built selectors too', () => {
    const sel: LabelSelector = [
      { key: 'b', operator: 'In', values: ['y', 'x'] },
      { key: 'a', operator: 'Exists', values: [] },
    ];
    expect(formatLabelSelector(sel)).toBe('a,b in (x,y)');
  });
});

// Generators for the property tests: a small key and value pool so that
// generated label sets and selectors actually overlap.
const keyArb = fc.oneof(
  fc.constantFrom('app', 'tier', 'example.com/team', 'dist.kio.kasten.io/cluster-type', 'in', 'notin'),
  fc.stringMatching(/^([a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?(\.[a-z0-9]{1,5}){0,2}\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?$/),
);
const valueArb = fc.oneof(fc.constantFrom('', 'a', 'b', 'web', '1', '10', 'in'), fc.stringMatching(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,12})?[A-Za-z0-9])?$/));
const numberArb = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String);
const requirementArb: fc.Arbitrary<LabelRequirement> = fc.oneof(
  fc.record({ key: keyArb, operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const), values: fc.constant([]) }),
  fc.record({ key: keyArb, operator: fc.constantFrom('Equals' as const, 'NotEquals' as const), values: valueArb.map((v) => [v]) }),
  fc.record({ key: keyArb, operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.uniqueArray(valueArb, { minLength: 1, maxLength: 4 }).map((v) => v.sort()) }),
  fc.record({ key: keyArb, operator: fc.constantFrom('GreaterThan' as const, 'LessThan' as const), values: fc.oneof(numberArb, fc.constantFrom('1', '10')).map((v) => [v]) }),
);
const selectorArb = fc.array(requirementArb, { maxLength: 5 });
const labelsArb = fc.dictionary(fc.constantFrom('app', 'tier', 'example.com/team', 'in', 'notin'), fc.constantFrom('', 'a', 'b', 'web', '1', '10', '11', 'in'), {
  maxKeys: 5,
});
const byKey = (sel: LabelSelector) => [...sel].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

describe('label selector properties', () => {
  it('parse(format(s)) gives back s, in canonical order', () => {
    fc.assert(
      fc.property(selectorArb, (sel) => {
        const text = formatLabelSelector(sel);
        expect(parseLabelSelector(text)).toEqual(byKey(sel));
        expect(formatLabelSelector(parseLabelSelector(text))).toBe(text);
      }),
    );
  });

  it('a in (x) ≡ a=x and a notin (x) ≡ a!=x', () => {
    fc.assert(
      fc.property(keyArb, valueArb, labelsArb, (key, value, labels) => {
        expect(matches(`${key} in (${value})`, labels)).toBe(matches(`${key}=${value}`, labels));
        expect(matches(`${key} notin (${value})`, labels)).toBe(matches(`${key}!=${value}`, labels));
      }),
    );
  });

  it('!a, notin and != are the complements of a, in and =', () => {
    fc.assert(
      fc.property(requirementArb, labelsArb, (req, labels) => {
        expect(matches(`!${req.key}`, labels)).toBe(!matches(req.key, labels));
        const set = `(${req.values.join(',')})`;
        expect(matches(`${req.key} notin ${set}`, labels)).toBe(!matches(`${req.key} in ${set}`, labels));
        const one = req.values[0] ?? '';
        expect(matches(`${req.key}!=${one}`, labels)).toBe(!matches(`${req.key}=${one}`, labels));
      }),
    );
  });

  it('a comma is a conjunction', () => {
    fc.assert(
      fc.property(requirementArb, requirementArb, labelsArb, (r1, r2, labels) => {
        const [s1, s2] = [formatLabelSelector([r1]), formatLabelSelector([r2])];
        expect(matches(`${s1},${s2}`, labels)).toBe(matches(s1, labels) && matches(s2, labels));
      }),
    );
  });

  it('extra blanks between tokens change nothing', () => {
    fc.assert(
      fc.property(selectorArb, fc.constantFrom(' ', '  ', '\t', ' \n '), (sel, blank) => {
        const text = formatLabelSelector(sel);
        const spaced = text.replace(/(!=|[,()=!<>])/g, `${blank}$1${blank}`);
        expect(parseLabelSelector(`${blank}${spaced}${blank}`)).toEqual(parseLabelSelector(text));
      }),
    );
  });

  it('labelSelectorFromObject agrees with parsing its formatted form', () => {
    const objArb = fc.record({
      matchLabels: fc.dictionary(keyArb, valueArb, { maxKeys: 3 }),
      matchExpressions: fc.array(
        fc.oneof(
          fc.record({ key: keyArb, operator: fc.constantFrom('In', 'NotIn'), values: fc.array(valueArb, { minLength: 1, maxLength: 3 }) }),
          fc.record({ key: keyArb, operator: fc.constantFrom('Exists', 'DoesNotExist') }),
        ),
        { maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(objArb, labelsArb, (obj, labels) => {
        const sel = labelSelectorFromObject(obj);
        expect(matchesLabels(parseLabelSelector(formatLabelSelector(sel)), labels)).toBe(matchesLabels(sel, labels));
      }),
    );
  });
});

describe('field selectors', () => {
  const secret = { metadata: { name: 'join-token', namespace: 'kasten-io' }, type: 'Opaque', spec: { replicas: 3, paused: false } };

  it('parses =, == and !=, sorted by term', () => {
    expect(parseFieldSelector('metadata.namespace!=default,metadata.name==x')).toEqual([
      { field: 'metadata.name', operator: 'Equals', value: 'x' },
      { field: 'metadata.namespace', operator: 'NotEquals', value: 'default' },
    ]);
    expect(parseFieldSelector('metadata.name=x')).toEqual([{ field: 'metadata.name', operator: 'Equals', value: 'x' }]);
  });

  it('selects everything when empty, skipping empty terms', () => {
    expect(parseFieldSelector('')).toEqual([]);
    expect(parseFieldSelector('a=b,')).toEqual([{ field: 'a', operator: 'Equals', value: 'b' }]);
  });

  it('splits at the first operator and unescapes the value', () => {
    expect(parseFieldSelector('a==b')[0]).toEqual({ field: 'a', operator: 'Equals', value: 'b' });
    expect(parseFieldSelector('a=')[0]).toEqual({ field: 'a', operator: 'Equals', value: '' });
    expect(parseFieldSelector('a=x\\,y\\=z\\\\')).toEqual([{ field: 'a', operator: 'Equals', value: 'x,y=z\\' }]);
  });

  it.each([
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: ='],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('rejects %j', (text, message) => {
    expect(() => parseFieldSelector(text)).toThrow(new SelectorError(message));
  });

  it('lists the paths it uses, once each', () => {
    expect(fieldSelectorPaths(parseFieldSelector('metadata.name=a,metadata.name!=b,type=Opaque'))).toEqual(['metadata.name', 'type']);
  });

  it.each([
    ['metadata.name=join-token', true],
    ['metadata.name!=join-token', false],
    ['metadata.name=other', false],
    ['metadata.namespace=kasten-io,type=Opaque', true],
    ['metadata.namespace=kasten-io,type!=Opaque', false],
    ['spec.replicas=3', true],
    ['spec.paused=false', true],
    ['status.phase=', true],
    ['status.phase!=Active', true],
    ['spec=', true],
  ])('%s → %s', (text, expected) => {
    expect(matchesFields(parseFieldSelector(text), secret)).toBe(expected);
  });

  it('matches cluster-scoped objects with an empty namespace', () => {
    expect(matchesFields(parseFieldSelector('metadata.namespace='), { metadata: { name: 'ns' } })).toBe(true);
  });

  it('format and parse round-trip any values', () => {
    const reqArb = fc.record({
      field: fc.constantFrom('metadata.name', 'metadata.namespace', 'type', 'status.phase'),
      operator: fc.constantFrom('Equals' as const, 'NotEquals' as const),
      value: fc.string(),
    });
    fc.assert(
      fc.property(fc.array(reqArb, { maxLength: 4 }), (sel: FieldSelector) => {
        const text = formatFieldSelector(sel);
        const parsed = parseFieldSelector(text);
        expect(formatFieldSelector(parsed)).toBe(text);
        expect([...parsed].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
          [...sel].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
        );
        for (const r of parsed) {
          const obj = { metadata: { name: r.value, namespace: r.value }, type: r.value, status: { phase: r.value } };
          expect(matchesFields([r], obj)).toBe(r.operator === 'Equals');
        }
      }),
    );
  });
});

describe('where a label selector goes wrong', () => {
  const at = (text: string) => {
    try {
      parseLabelSelector(text);
      return undefined;
    } catch (err) {
      return (err as SelectorError).position;
    }
  };

  it('points at the token where parsing failed, for an editor to mark', () => {
    expect(at('env=prod,')).toBe(9);
    expect(at('env in prod')).toBe(7);
    expect(at('env=prod, tier notin (a b)')).toBe(24);
    expect(at('  ,env')).toBe(2);
    expect(at('env=prod')).toBeUndefined();
  });
});
