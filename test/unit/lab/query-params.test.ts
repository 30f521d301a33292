import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../main/lab/api-error.js';
import {
  deleteOptionsFromQuery,
  isPrettyPrint,
  listOptions,
  parseInt64,
  patchOptions,
  queryBool,
  tableOptions,
  validateDeleteOptions,
  writeOptions,
} from '../../../main/lab/query-params.js';

const q = (text: string) => new URLSearchParams(text);

/** The Status a call fails with: code, reason, message, and the fields its causes name. */
function failure(fn: () => unknown): { code: number; reason: string; message: string; fields: string[] } {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const status = err.toStatus() as { code: number; reason: string; message: string; details?: { causes?: { field?: string }[] } };
    return { code: status.code, reason: status.reason, message: status.message, fields: (status.details?.causes ?? []).map((c) => c.field ?? '') };
  }
  throw new Error('expected the call to fail');
}

describe('booleans (runtime.Convert_Slice_string_To_bool)', () => {
  it.each(['true', 'True', 'TRUE', '1', 't', 'yes', 'on', ''])('watch=%s is true', (v) => {
    expect(queryBool(q(`watch=${v}`), 'watch')).toBe(true);
    expect(listOptions(q(`watch=${v}`)).watch).toBe(true);
  });

  it.each(['false', 'False', 'FALSE', 'fAlSe', '0'])('watch=%s is false', (v) => {
    expect(listOptions(q(`watch=${v}`)).watch).toBe(false);
  });

  it('an absent boolean is unset, and the first of repeated values counts', () => {
    expect(queryBool(q(''), 'watch')).toBeUndefined();
    expect(listOptions(q('')).watch).toBe(false);
    expect(listOptions(q('watch=0&watch=1')).watch).toBe(false);
  });

  it('allowWatchBookmarks reads the same way', () => {
    expect(listOptions(q('watch=1&allowWatchBookmarks=True')).allowWatchBookmarks).toBe(true);
    expect(listOptions(q('watch=1&allowWatchBookmarks=0')).allowWatchBookmarks).toBe(false);
    expect(listOptions(q('watch=1')).allowWatchBookmarks).toBe(false);
  });
});

describe('integers (strconv.ParseInt base 10, 64 bits)', () => {
  it.each([
    ['500', 500],
    ['+7', 7],
    ['-1', -1],
    ['007', 7],
    ['9223372036854775807', 9223372036854775807],
  ])('limit=%s is %d', (v, n) => {
    expect(listOptions(q(`limit=${encodeURIComponent(v)}`)).limit).toBe(n);
  });

  it.each(['abc', '1.5', '1e3', ' 5', '0x10', '1_000', ''])('limit=%j is a 400 with Go\'s message', (v) => {
    expect(failure(() => listOptions(q(`limit=${encodeURIComponent(v)}`)))).toEqual({
      code: 400,
      reason: 'BadRequest',
      message: `strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`,
      fields: [],
    });
  });

  it('a number beyond 64 bits is out of range', () => {
    expect(failure(() => parseInt64('9223372036854775808')).message).toBe('strconv.ParseInt: parsing "9223372036854775808": value out of range');
    expect(parseInt64('-9223372036854775808')).toBe(-9223372036854775808);
  });

  it('timeoutSeconds: unset when absent, a number when given, a 400 when not a number', () => {
    expect(listOptions(q('watch=1')).timeoutSeconds).toBeUndefined();
    expect(listOptions(q('watch=1&timeoutSeconds=30')).timeoutSeconds).toBe(30);
    expect(failure(() => listOptions(q('watch=1&timeoutSeconds=30s')))).toMatchObject({ code: 400, message: 'strconv.ParseInt: parsing "30s": invalid syntax' });
  });

  it('gracePeriodSeconds of a DELETE', () => {
    expect(deleteOptionsFromQuery(q('gracePeriodSeconds=0')).gracePeriodSeconds).toBe(0);
    expect(failure(() => deleteOptionsFromQuery(q('gracePeriodSeconds=now')))).toMatchObject({ code: 400, message: 'strconv.ParseInt: parsing "now": invalid syntax' });
  });
});

describe('strings passed as they are', () => {
  it('labelSelector, fieldSelector, resourceVersion and continue', () => {
    const o = listOptions(q('labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dx&resourceVersion=12&continue=abc'));
    expect(o).toMatchObject({ labelSelector: 'app=web', fieldSelector: 'metadata.name=x', resourceVersion: '12', continue: 'abc' });
  });
});

describe('resourceVersionMatch and sendInitialEvents (ValidateListOptions, 422)', () => {
  it('a list takes Exact or NotOlderThan with a resourceVersion', () => {
    expect(listOptions(q('resourceVersion=5&resourceVersionMatch=NotOlderThan')).resourceVersionMatch).toBe('NotOlderThan');
    expect(listOptions(q('resourceVersion=5&resourceVersionMatch=Exact')).resourceVersionMatch).toBe('Exact');
  });

  it('a list refuses an unknown match, a match without a resourceVersion, and Exact for "0"', () => {
    expect(failure(() => listOptions(q('resourceVersion=5&resourceVersionMatch=exact')))).toEqual({
      code: 422,
      reason: 'Invalid',
      message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "exact": supported values: "Exact", "NotOlderThan", ""',
      fields: ['resourceVersionMatch'],
    });
    expect(failure(() => listOptions(q('resourceVersionMatch=NotOlderThan'))).message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
    expect(failure(() => listOptions(q('resourceVersion=0&resourceVersionMatch=Exact'))).message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
    );
  });

  it('sendInitialEvents is refused on a list, and on a watch as a server without WatchList refuses it', () => {
    expect(failure(() => listOptions(q('sendInitialEvents=true'))).message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list',
    );
    expect(failure(() => listOptions(q('watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan')))).toMatchObject({
      code: 422,
      fields: ['sendInitialEvents'],
    });
  });

  it('a watch takes no resourceVersionMatch without sendInitialEvents', () => {
    expect(failure(() => listOptions(q('watch=1&resourceVersion=3&resourceVersionMatch=NotOlderThan'))).message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
    );
  });
});

describe('dryRun', () => {
  it('takes only All, on every write', () => {
    expect(writeOptions(q('dryRun=All'), 'create').dryRun).toBe(true);
    expect(writeOptions(q(''), 'update').dryRun).toBe(false);
    expect(patchOptions(q('dryRun=All'), false).dryRun).toBe(true);
    expect(deleteOptionsFromQuery(q('dryRun=All')).dryRun).toBe(true);
  });

  it.each([
    ['create', () => writeOptions(q('dryRun=true'), 'create'), 'CreateOptions'],
    ['update', () => writeOptions(q('dryRun=true'), 'update'), 'UpdateOptions'],
    ['patch', () => patchOptions(q('dryRun=true'), false), 'PatchOptions'],
    ['delete', () => deleteOptionsFromQuery(q('dryRun=true')), 'DeleteOptions'],
  ])('anything else on a %s is a 422 naming its options', (_verb, fn, kind) => {
    expect(failure(fn)).toEqual({
      code: 422,
      reason: 'Invalid',
      message: `${kind}.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"true"}: supported values: "All"`,
      fields: ['dryRun'],
    });
  });

  it('one wrong value among several is enough', () => {
    expect(failure(() => writeOptions(q('dryRun=All&dryRun=x'), 'create')).message).toContain('Unsupported value: []string{"All", "x"}');
  });
});

describe('fieldManager and fieldValidation', () => {
  it('fieldManager is passed on; empty when not given', () => {
    expect(writeOptions(q('fieldManager=flotilla'), 'create').fieldManager).toBe('flotilla');
    expect(writeOptions(q(''), 'create').fieldManager).toBe('');
  });

  it('fieldManager longer than 128 bytes, or with a control character, is a 422', () => {
    expect(writeOptions(q(`fieldManager=${'m'.repeat(128)}`), 'create').fieldManager).toHaveLength(128);
    expect(failure(() => writeOptions(q(`fieldManager=${'m'.repeat(129)}`), 'create')).message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: must have at most 128 bytes',
    );
    expect(failure(() => writeOptions(q('fieldManager=a%07b'), 'update')).message).toBe(
      'UpdateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "a\\u0007b": invalid character U+0007 (at position 1)',
    );
  });

  it('fieldValidation takes Ignore, Warn or Strict; Warn when not given', () => {
    expect(writeOptions(q('fieldValidation=Strict'), 'create').fieldValidation).toBe('Strict');
    expect(writeOptions(q(''), 'create').fieldValidation).toBe('Warn');
    expect(failure(() => writeOptions(q('fieldValidation=strict'), 'create')).message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"',
    );
  });
});

describe('force and server-side apply', () => {
  it('force reads as a boolean on an apply', () => {
    expect(patchOptions(q('fieldManager=me&force=True'), true).force).toBe(true);
    expect(patchOptions(q('fieldManager=me&force=false'), true).force).toBe(false);
    expect(patchOptions(q('fieldManager=me'), true).force).toBe(false);
  });

  it('an apply needs a fieldManager', () => {
    expect(failure(() => patchOptions(q(''), true))).toEqual({
      code: 422,
      reason: 'Invalid',
      message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      fields: ['fieldManager'],
    });
  });

  it('force on any other patch is forbidden, whatever its value', () => {
    expect(failure(() => patchOptions(q('force=false'), false)).message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
  });
});

describe('propagationPolicy and orphanDependents', () => {
  it.each(['Orphan', 'Background', 'Foreground'])('%s is taken', (p) => {
    expect(deleteOptionsFromQuery(q(`propagationPolicy=${p}`)).propagationPolicy).toBe(p);
  });

  it('anything else is a 422 listing the policies', () => {
    expect(failure(() => deleteOptionsFromQuery(q('propagationPolicy=background')))).toEqual({
      code: 422,
      reason: 'Invalid',
      message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "background": supported values: "Foreground", "Background", "Orphan", "nil"',
      fields: ['propagationPolicy'],
    });
  });

  it('orphanDependents and propagationPolicy together are refused, from a body as from a query', () => {
    expect(deleteOptionsFromQuery(q('orphanDependents=true')).orphanDependents).toBe(true);
    expect(failure(() => validateDeleteOptions({ orphanDependents: false, propagationPolicy: 'Orphan' })).message).toBe(
      'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set',
    );
  });
});

describe('includeObject (Table answers)', () => {
  it('defaults to Metadata and takes None, Metadata or Object', () => {
    expect(tableOptions(q(''))).toBe('Metadata');
    expect(tableOptions(q('includeObject='))).toBe('Metadata');
    expect(tableOptions(q('includeObject=None'))).toBe('None');
    expect(tableOptions(q('includeObject=Object'))).toBe('Object');
  });

  it('anything else is a 422', () => {
    expect(failure(() => tableOptions(q('includeObject=all'))).message).toBe(
      `TableOptions.meta.k8s.io "" is invalid: includeObject: Invalid value: "all": must be 'Metadata', 'Object', 'None', or empty`,
    );
  });
});

describe('pretty (strconv.ParseBool, never an error)', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('pretty=%s indents', (v) => {
    expect(isPrettyPrint(q(`pretty=${v}`), 'kubectl/v1.31.0')).toBe(true);
  });

  it.each(['0', 'f', 'false', 'yes', 'TrUe'])('pretty=%s does not', (v) => {
    expect(isPrettyPrint(q(`pretty=${v}`), 'curl/8.5.0')).toBe(false);
  });

  it('without it, curl, Wget and browsers get indented answers and other clients do not', () => {
    expect(isPrettyPrint(q(''), 'curl/8.5.0')).toBe(true);
    expect(isPrettyPrint(q(''), 'Wget/1.21')).toBe(true);
    expect(isPrettyPrint(q(''), 'Mozilla/5.0 (X11; Linux x86_64)')).toBe(true);
    expect(isPrettyPrint(q(''), 'kubectl/v1.31.0 (linux/amd64)')).toBe(false);
    expect(isPrettyPrint(q('pretty='), undefined)).toBe(false);
  });
});
