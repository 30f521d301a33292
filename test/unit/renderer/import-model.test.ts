import { describe, expect, it } from 'vitest';
import {
  blockingProblems,
  buildSelections,
  buildSource,
  describeConnectionTest,
  initialChoices,
  nameProblems,
  parsePaths,
} from '../../../renderer/features/import/import-model.js';
import { candidate } from './fixtures.js';

const missingFile = { code: 'missing-file' as const, severity: 'error' as const, message: 'ca.crt does not exist' };
const insecure = { code: 'insecure-skip-tls-verify' as const, severity: 'warning' as const, message: 'TLS not verified' };
const duplicate = { code: 'duplicate-name' as const, severity: 'error' as const, message: 'two contexts named prod' };

describe('the import wizard rules', () => {
  it('selects every context without a blocking error, under the suggested name, skipping existing clusters', () => {
    const choices = initialChoices([candidate('a'), candidate('b', { problems: [missingFile] }), candidate('c', { problems: [insecure] })]);
    expect(choices).toEqual({
      a: { selected: true, name: 'name-a', onExisting: 'skip' },
      b: { selected: false, name: 'name-b', onExisting: 'skip' },
      c: { selected: true, name: 'name-c', onExisting: 'skip' },
    });
  });

  it('lets renaming resolve a duplicate name instead of blocking the row', () => {
    expect(blockingProblems(candidate('a', { problems: [duplicate, insecure] }))).toEqual([]);
    expect(blockingProblems(candidate('a', { problems: [missingFile] }))).toEqual([missingFile]);
  });

  it('flags invalid names and names used twice among the selected rows', () => {
    const candidates = [candidate('a'), candidate('b'), candidate('c'), candidate('d')];
    const choices = initialChoices(candidates);
    choices.a!.name = 'Prod_1';
    choices.b!.name = 'same';
    choices.c!.name = 'same';
    choices.d!.name = 'same';
    choices.d!.selected = false; // not imported: its name does not matter
    const problems = nameProblems(candidates, choices);
    expect(Object.keys(problems).sort()).toEqual(['a', 'b', 'c']);
    expect(problems.a).toMatch(/lowercase/);
    expect(problems.c).toMatch(/already used/);
  });

  it('sends only the selected, unblocked rows with their names and update/skip choices', () => {
    const candidates = [candidate('a', { existingClusterId: 'x' }), candidate('b', { problems: [missingFile] }), candidate('c')];
    const choices = initialChoices(candidates);
    choices.a!.onExisting = 'update';
    choices.b!.selected = true; // a blocked row can never be imported, even if ticked somehow
    choices.c!.selected = false;
    expect(buildSelections(candidates, choices)).toEqual([{ candidateId: 'a', name: 'name-a', onExisting: 'update' }]);
  });

  it('builds each kind of source, and says what is missing', () => {
    const empty = { pathsText: '', folderPath: '', pastedText: '' };
    expect(buildSource('default', empty)).toEqual({ source: { kind: 'default' } });
    expect(buildSource('env', empty)).toEqual({ source: { kind: 'env' } });
    expect(buildSource('files', { ...empty, pathsText: ' /a/b \n\n/c\r\n' })).toEqual({ source: { kind: 'files', paths: ['/a/b', '/c'] } });
    expect(buildSource('files', empty)).toHaveProperty('problem');
    expect(buildSource('folder', { ...empty, folderPath: ' /k ' })).toEqual({ source: { kind: 'folder', path: '/k' } });
    expect(buildSource('folder', empty)).toHaveProperty('problem');
    expect(buildSource('text', { ...empty, pastedText: 'apiVersion: v1' })).toEqual({ source: { kind: 'text', text: 'apiVersion: v1' } });
    expect(buildSource('text', { ...empty, pastedText: '  ' })).toHaveProperty('problem');
    expect(parsePaths('a\n  \nb')).toEqual(['a', 'b']);
  });

  it('describes a connection test in one line', () => {
    expect(
      describeConnectionTest({
        reachable: true,
        latencyMs: 12.4,
        kubernetesVersion: 'v1.32.0',
        k10: { installed: true, version: '8.0.1' },
        identity: { username: 'admin', groups: [] },
      }),
    ).toBe('Reachable · 12 ms · v1.32.0 · K10 8.0.1 · as admin');
    expect(describeConnectionTest({ reachable: true, k10: { installed: false } })).toBe('Reachable · no K10');
    expect(describeConnectionTest({ reachable: true, error: { code: 'UNAUTHORIZED', message: 'token expired' } })).toBe('UNAUTHORIZED: token expired');
    expect(describeConnectionTest({ reachable: false })).toBe('Unreachable');
  });
});
