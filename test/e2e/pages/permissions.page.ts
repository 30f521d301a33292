/** Permissions on a primary: who we are, the binding form (pre-filled by main), apply and its steps, the bindings that exist. */
import type { Locator, Page } from 'playwright-core';
import { readSteps, type ShownStep } from './operation-dialog.page.js';

export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

export interface ShownBinding {
  name: string;
  role: string;
  text: string;
}

export class PermissionsPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('permissions-view');
  }

  async waitReady(timeout = 30_000): Promise<void> {
    await this.page.getByTestId('grant-form').or(this.page.getByTestId('grant-plan-error')).first().waitFor({ timeout });
  }

  async identity(): Promise<string> {
    return this.page.getByTestId('grant-identity').innerText();
  }

  async name(): Promise<string> {
    return this.page.getByTestId('grant-name').inputValue();
  }

  async setName(name: string): Promise<void> {
    await this.page.getByTestId('grant-name').fill(name);
  }

  async role(): Promise<string> {
    return this.page.getByTestId('grant-role').inputValue();
  }

  async setRole(role: 'k10-multi-cluster-admin' | 'k10-multi-cluster-basic' | 'k10-multi-cluster-config-view'): Promise<void> {
    await this.page.getByTestId('grant-role').selectOption(role);
  }

  subjects(): Locator {
    return this.page.getByTestId('grant-subject');
  }

  /** The subjects as the form holds them. */
  async readSubjects(): Promise<{ kind: string; name: string; namespace?: string }[]> {
    const out: { kind: string; name: string; namespace?: string }[] = [];
    for (const row of await this.subjects().all()) {
      const ns = row.getByTestId('grant-subject-namespace');
      out.push({
        kind: await row.getByTestId('grant-subject-kind').inputValue(),
        name: await row.getByTestId('grant-subject-name').inputValue(),
        ...((await ns.count()) ? { namespace: await ns.inputValue() } : {}),
      });
    }
    return out;
  }

  /** Sets subject `index` (adding rows as needed). */
  async setSubject(index: number, subject: { kind: SubjectKind; name: string; namespace?: string }): Promise<void> {
    while ((await this.subjects().count()) <= index) await this.page.getByTestId('grant-subject-add').click();
    const row = this.subjects().nth(index);
    await row.getByTestId('grant-subject-kind').selectOption(subject.kind);
    await row.getByTestId('grant-subject-name').fill(subject.name);
    if (subject.kind === 'ServiceAccount') await row.getByTestId('grant-subject-namespace').fill(subject.namespace ?? '');
  }

  async removeSubject(index: number): Promise<void> {
    await this.subjects().nth(index).getByTestId('grant-subject-remove').click();
  }

  /** Every cluster, current and future (the empty selector). */
  async clustersAll(): Promise<void> {
    await this.page.getByTestId('grant-clusters-all').check();
  }

  async clustersByName(...names: string[]): Promise<void> {
    await this.page.getByTestId('grant-clusters-names').check();
    for (const n of names) await this.page.locator(`[data-testid="grant-cluster-name"][data-name="${n}"]`).check();
  }

  async clustersBySelector(selector: string): Promise<void> {
    await this.page.getByTestId('grant-clusters-selector').check();
    await this.page.getByTestId('grant-selector').fill(selector);
  }

  async selectorProblem(): Promise<string | null> {
    const el = this.page.getByTestId('grant-selector-problem');
    return (await el.isVisible()) ? el.innerText() : null;
  }

  get mcAdmin(): Locator {
    return this.page.getByTestId('grant-mc-admin');
  }

  /** Applies; waits for the steps to end. 'done', 'failed', or 'invalid' when the form's own problems stopped it. */
  async apply(timeout = 60_000): Promise<'done' | 'failed' | 'invalid'> {
    await this.page.getByTestId('grant-apply').click();
    await this.page.locator('[data-testid="grant-done"], [data-testid="grant-error"], [data-testid="grant-problems"]').first().waitFor({ timeout });
    if (await this.page.getByTestId('grant-problems').isVisible()) return 'invalid';
    return (await this.page.getByTestId('grant-done').isVisible()) ? 'done' : 'failed';
  }

  async problems(): Promise<string[]> {
    return this.page.getByTestId('grant-problem').allInnerTexts();
  }

  async steps(): Promise<ShownStep[]> {
    return readSteps(this.page.getByTestId('grant-steps'));
  }

  async error(): Promise<string> {
    return this.page.getByTestId('grant-error').innerText();
  }

  async bindings(): Promise<ShownBinding[]> {
    return this.page.getByTestId('grant-binding').evaluateAll((rows) =>
      rows.map((r) => ({ name: r.getAttribute('data-name') ?? '', role: r.getAttribute('data-role') ?? '', text: (r as HTMLElement).innerText })),
    );
  }

  async waitBinding(name: string, timeout = 30_000): Promise<void> {
    await this.page.locator(`[data-testid="grant-binding"][data-name="${name}"]`).waitFor({ timeout });
  }
}
