/**
 * Joining: one cluster from its own side (the token pasted, from a handoff
 * file or a QR image; its fingerprint; the cluster's name and ingress;
 * Connect; live progress; Start over), and many in one click from the
 * primary's Multi-cluster screen (JoinManyPage).
 */
import type { Locator, Page } from 'playwright-core';
import { readSteps, type ShownStep } from './operation-dialog.page.js';

export type JoinEnd = 'joined' | 'rejected' | 'failed' | 'refused' | 'timeout';
const END_STATES: readonly JoinEnd[] = ['joined', 'rejected', 'failed', 'refused', 'timeout'];

export interface HeldTokenShown {
  fingerprint: string;
  primaryName?: string;
  primaryIngress?: string;
  expiresAt?: string;
}

export class JoinPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('join-screen');
  }

  /** Waits for the plan: the name filled, or the refusal, or the plan's error. */
  async waitReady(timeout = 30_000): Promise<void> {
    await this.root.waitFor({ timeout });
    await this.page.waitForFunction(
      () =>
        !!document.querySelector('[data-testid="join-plan-error"]') ||
        !!document.querySelector('[data-testid="join-refusal"]') ||
        !!document.querySelector<HTMLInputElement>('[data-testid="join-name"]')?.value,
      null,
      { timeout },
    );
  }

  get refusal(): Locator {
    return this.page.getByTestId('join-refusal');
  }

  /** A join already under way or finished (mc-join-status), with its Start over. */
  get current(): Locator {
    return this.page.getByTestId('join-current');
  }

  // The token ------------------------------------------------------------------

  async chooseSource(kind: 'paste' | 'file' | 'qr'): Promise<void> {
    await this.page.getByTestId(`join-source-${kind}`).click();
  }

  /** Pastes a token into the password field and loads it; the field is empty afterwards. */
  async paste(token: string): Promise<void> {
    await this.chooseSource('paste');
    await this.page.getByTestId('join-paste').fill(token);
    await this.load();
  }

  async fromHandoffFile(path: string, passphrase: string): Promise<void> {
    await this.chooseSource('file');
    await this.page.getByTestId('join-file-path').fill(path);
    await this.page.getByTestId('join-file-passphrase').fill(passphrase);
    await this.load();
  }

  async fromQrImage(path: string): Promise<void> {
    await this.chooseSource('qr');
    await this.page.getByTestId('join-qr-path').fill(path);
    await this.load();
  }

  /** "Choose…" on the file or QR tab: the open dialog; in the preview, the note saying to type a path. */
  async chooseFile(kind: 'file' | 'qr'): Promise<string> {
    await this.chooseSource(kind);
    await this.page.getByTestId(kind === 'file' ? 'join-file-choose' : 'join-qr-choose').click();
    const note = this.page.getByTestId('join-path-note');
    await note.or(this.page.getByTestId('join-held')).or(this.page.getByTestId('join-token-error')).first().waitFor();
    return (await note.isVisible()) ? note.innerText() : '';
  }

  private async load(): Promise<void> {
    await this.page.getByTestId('join-load').click();
    await this.page.locator('[data-testid="join-held"], [data-testid="join-token-error"], [data-testid="join-path-note"]').first().waitFor({ timeout: 30_000 });
  }

  /** What the paste field holds now (empty after a load). */
  async pasteFieldValue(): Promise<string> {
    const field = this.page.getByTestId('join-paste');
    return (await field.count()) ? field.inputValue() : '';
  }

  get tokenError(): Locator {
    return this.page.getByTestId('join-token-error');
  }

  /** The token main holds for this join, as shown, or null when none is loaded. */
  async heldToken(): Promise<HeldTokenShown | null> {
    const held = this.page.getByTestId('join-held');
    if (!(await held.isVisible())) return null;
    const optional = async (id: string) => {
      const el = held.getByTestId(id);
      return (await el.isVisible()) ? (await el.innerText()).trim() : undefined;
    };
    return {
      fingerprint: (await held.getByTestId('join-held-fingerprint').innerText()).trim(),
      primaryName: await optional('join-held-primary'),
      primaryIngress: await optional('join-held-ingress'),
      expiresAt: await optional('join-held-expires'),
    };
  }

  async forgetToken(): Promise<void> {
    await this.page.getByTestId('join-token-forget').click();
  }

  // The cluster on the primary -------------------------------------------------

  get nameInput(): Locator {
    return this.page.getByTestId('join-name');
  }

  get ingressInput(): Locator {
    return this.page.getByTestId('join-ingress');
  }

  async setName(name: string): Promise<void> {
    await this.nameInput.fill(name);
  }

  async setIngress(url: string): Promise<void> {
    await this.ingressInput.fill(url);
  }

  /** "Use current": fills the cluster's own K10 ingress from the plan. */
  async useCurrentIngress(): Promise<void> {
    await this.page.getByTestId('join-use-current').click();
  }

  async setPrimaryIngress(url: string): Promise<void> {
    const advanced = this.page.getByTestId('join-advanced');
    if (!(await advanced.evaluate((d) => (d as HTMLDetailsElement).open))) await advanced.locator('summary').click();
    await this.page.getByTestId('join-primary-ingress').fill(url);
  }

  get connectButton(): Locator {
    return this.page.getByTestId('join-connect');
  }

  /** Connects and waits for the join to end; returns how it ended. */
  async connect(timeout = 120_000): Promise<JoinEnd> {
    await this.connectButton.click();
    return this.waitEnd(timeout);
  }

  /** The progress's state now ('starting', 'writing', 'joining', or an end state), or null before Connect. */
  async progressState(): Promise<string | null> {
    const el = this.page.getByTestId('join-progress');
    return (await el.isVisible()) ? el.getAttribute('data-state') : null;
  }

  async waitEnd(timeout = 120_000): Promise<JoinEnd> {
    const selector = END_STATES.map((s) => `[data-testid="join-progress"][data-state="${s}"]`).join(', ');
    await this.page.locator(selector).first().waitFor({ timeout });
    return (await this.page.getByTestId('join-progress').getAttribute('data-state')) as JoinEnd;
  }

  /** Kasten's message (rejected), or what went wrong. */
  async progressMessage(): Promise<string> {
    const el = this.page.getByTestId('join-progress-message');
    return (await el.isVisible()) ? el.innerText() : '';
  }

  get joinError(): Locator {
    return this.page.getByTestId('join-error');
  }

  /** "Start over" (after a rejected join, or on a join left from before); waits for the plan to be read again. */
  async startOver(): Promise<void> {
    await this.page.getByTestId('join-start-over').first().click();
    await this.page.getByTestId('join-start-over').first().waitFor({ state: 'detached', timeout: 30_000 });
  }

  async resetSteps(): Promise<ShownStep[]> {
    return readSteps(this.page.getByTestId('join-reset-steps'));
  }

  async backToFleet(): Promise<void> {
    await this.page.getByTestId('join-back-fleet').click();
  }
}

export interface JoinManyLine {
  name: string;
  state: string;
  message: string;
}

export class JoinManyPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('join-many-view');
  }

  /** The clusters offered (standalone, reachable, not the primary), as shown after the filter. */
  async candidates(): Promise<string[]> {
    return this.page.getByTestId('join-many-candidate').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
  }

  async filter(text: string): Promise<void> {
    await this.page.getByTestId('join-many-filter').fill(text);
  }

  async choose(...names: string[]): Promise<void> {
    for (const name of names) await this.page.locator(`[data-testid="join-many-candidate"][data-name="${name}"] [data-testid="join-many-check"]`).check();
  }

  /** Ticks or unticks every cluster shown (after the filter). */
  async chooseAllShown(on = true): Promise<void> {
    await this.page.getByTestId('join-many-all').setChecked(on);
  }

  async setTokenName(name: string): Promise<void> {
    await this.page.getByTestId('join-many-token').fill(name);
  }

  get startButton(): Locator {
    return this.page.getByTestId('join-many-start');
  }

  /** Starts the run; returns at once (the per-cluster lines follow). */
  async start(): Promise<void> {
    await this.startButton.click();
    await this.page.getByTestId('join-many-progress').waitFor();
  }

  /** Starts and waits for the result (or the error); returns every line. */
  async joinAndWait(timeout = 180_000): Promise<JoinManyLine[]> {
    await this.start();
    await this.page.locator('[data-testid="join-many-result"], [data-testid="join-many-error"]').first().waitFor({ timeout });
    return this.lines();
  }

  async lines(): Promise<JoinManyLine[]> {
    return this.page.getByTestId('join-many-row').evaluateAll((rows) =>
      rows.map((r) => ({
        name: r.getAttribute('data-name') ?? '',
        state: r.getAttribute('data-state') ?? '',
        message: r.querySelector('[data-testid="join-many-message"]')?.textContent ?? '',
      })),
    );
  }

  /** The result's summary: the token (created or reused) and the counts by state. */
  async result(): Promise<{ text: string; counts: Record<string, number> }> {
    const result = this.page.getByTestId('join-many-result');
    const counts: Record<string, number> = {};
    for (const chip of await result.getByTestId('join-many-count-chip').all()) counts[(await chip.getAttribute('data-state')) ?? ''] = Number(await chip.getAttribute('data-count'));
    return { text: await result.innerText(), counts };
  }

  get error(): Locator {
    return this.page.getByTestId('join-many-error');
  }

  /** Back to choosing clusters. */
  async done(): Promise<void> {
    await this.page.getByTestId('join-many-done').click();
  }
}
