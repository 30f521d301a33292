import { describe, expect, it } from 'vitest';
import { goJsonSyntaxError, quoteChar } from '../../../main/lab/go-json.js';
import { goTypeError } from '../../../main/lab/go-types.js';

const error = (text: string) => goJsonSyntaxError(Buffer.from(text, 'utf8'));

describe("Go's JSON syntax errors", () => {
  it('accepts what Go accepts', () => {
    for (const ok of ['{}', '[]', ' {"a": [1, -2.5e+3, true, false, null, "x\\n\\u00e9"]} ', '"s"', '0', '-0.1E5']) {
      expect(error(ok), ok).toBeUndefined();
    }
  });

  it.each([
    ['', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['{"a":1', 'unexpected end of JSON input'],
    ['[', 'unexpected end of JSON input'],
    ['tru', 'unexpected end of JSON input'],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', 'invalid character \'"\' after object key:value pair'],
    ['[1 2]', "invalid character '2' after array element"],
    ['trux', "invalid character 'x' in literal true (expecting 'e')"],
    ['nil', "invalid character 'i' in literal null (expecting 'u')"],
    ['01', "invalid character '1' after top-level value"],
    ['{} x', "invalid character 'x' after top-level value"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ['apiVersion: v1', "invalid character 'a' looking for beginning of value"],
  ])('%j → %s', (input, message) => {
    expect(error(input)).toBe(message);
  });

  it('quotes bytes as Go does', () => {
    expect([quoteChar(0x27), quoteChar(0x22), quoteChar(0x5c), quoteChar(0x09), quoteChar(0x01), quoteChar(0x41)]).toEqual([
      "'\\''",
      `'"'`,
      "'\\\\'",
      "'\\t'",
      "'\\x01'",
      "'A'",
    ]);
  });
});

describe("Go's JSON type errors for built-in kinds", () => {
  it.each([
    ['ConfigMap', { data: { port: 3306 } }, 'json: cannot unmarshal number into Go struct field ConfigMap.data of type string'],
    ['ConfigMap', { data: ['a'] }, 'json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string'],
    ['ConfigMap', { binaryData: { a: 1 } }, 'json: cannot unmarshal number into Go struct field ConfigMap.binaryData of type []uint8'],
    ['Secret', { type: 5 }, 'json: cannot unmarshal number into Go struct field Secret.type of type v1.SecretType'],
    ['Secret', { metadata: { labels: { a: true } } }, 'json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string'],
    ['Secret', { metadata: 'x' }, 'json: cannot unmarshal string into Go struct field Secret.metadata of type v1.ObjectMeta'],
    ['Deployment', { spec: { replicas: '2' } }, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
    ['Deployment', { spec: { replicas: 1.5 } }, 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    ['RoleBinding', { subjects: [{ kind: 'User', name: 7 }] }, 'json: cannot unmarshal number into Go struct field Subject.subjects.name of type string'],
    ['Role', { rules: [{ verbs: 'get' }] }, 'json: cannot unmarshal string into Go struct field PolicyRule.rules.verbs of type []string'],
  ])('%s %j', (kind, body, message) => {
    expect(goTypeError(kind, body)).toBe(message);
  });

  it('lets well-typed bodies, nulls and kinds it does not know through', () => {
    expect(goTypeError('ConfigMap', { metadata: { name: 'x', labels: { a: 'b' } }, data: { a: '1' }, immutable: null })).toBeUndefined();
    expect(goTypeError('Profile', { spec: 5 })).toBeUndefined();
  });
});
