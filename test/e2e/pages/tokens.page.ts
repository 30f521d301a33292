/**
 * A primary's join tokens: create, the list, reveal (masked again on its
 * timer or on leaving the view), QR code, copy (main's clipboard and its
 * countdown), seal to a file, revoke.
 */
import type { Locator, Page } from 'playwright-core';

export interface ShownToken {
  name: string;
  secretName: string;
  ready: boolean;
  age: string;
  fingerprint: string;
  joinedSince: string;
}

export interface SealForm {
  passphrase: string;
  /** Defaults to the same passphrase. */
  again?: string;
  expiresInHours?: number;
  path?: string;
}

export class TokensPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('tokens-view');
  }

  row(name: string): Locator {
    return this.page.locator(`[data-testid="token-row"][data-name="${name}"]`);
  }

  async names(): Promise<string[]> {
    return this.page.getByTestId('token-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
  }

  /** Creates a token and waits until K10 has filled it (its row is ready), or throws with the error shown. */
  async create(name: string, timeout = 60_000): Promise<void> {
    await this.page.getByTestId('token-new-name').fill(name);
    await this.page.getByTestId('token-create').click();
    const ready = this.page.locator(`[data-testid="token-row"][data-name="${name}"][data-ready="true"]`);
    const error = this.page.getByTestId('token-create-error');
    await ready.or(error).first().waitFor({ timeout });
    if (await error.isVisible()) throw new Error(`token not created: ${await error.innerText()}`);
  }

  get createError(): Locator {
    return this.page.getByTestId('token-create-error');
  }

  async read(name: string): Promise<ShownToken> {
    const row = this.row(name);
    const text = async (id: string) => (await row.getByTestId(id).innerText()).trim();
    return {
      name,
      secretName: (await row.getAttribute('data-secret')) ?? '',
      ready: (await row.getAttribute('data-ready')) === 'true',
      age: await text('token-age'),
      fingerprint: await text('token-fingerprint'),
      joinedSince: await text('token-joined-since'),
    };
  }

  async refresh(): Promise<void> {
    await this.page.getByTestId('tokens-refresh').click();
  }

  // Reveal and QR --------------------------------------------------------------

  /** Reveals a token and returns the value and fingerprint shown. */
  async reveal(name: string): Promise<{ value: string; fingerprint: string }> {
    await this.row(name).getByTestId('token-reveal').click();
    await this.revealedValue.waitFor();
    return { value: (await this.revealedValue.innerText()).trim(), fingerprint: (await this.page.getByTestId('token-revealed-fingerprint').innerText()).trim() };
  }

  get revealedValue(): Locator {
    return this.page.getByTestId('token-value');
  }

  /** Seconds until the revealed value is masked, as the countdown shows. */
  async maskCountdown(): Promise<number> {
    return Number(await this.page.getByTestId('token-mask-countdown').getAttribute('data-seconds'));
  }

  async hide(): Promise<void> {
    await this.page.getByTestId('token-hide').click();
    await this.revealedValue.waitFor({ state: 'detached' });
  }

  /** Waits until the value is masked (gone from the DOM). */
  async waitMasked(timeout = 60_000): Promise<void> {
    await this.page.getByTestId('token-revealed').waitFor({ state: 'detached', timeout });
  }

  /** Shows the QR code; returns its image's src (a data: URL of the SVG). */
  async showQr(name: string): Promise<string> {
    await this.row(name).getByTestId('token-qr').click();
    await this.qrImage.waitFor();
    return (await this.qrImage.getAttribute('src')) ?? '';
  }

  get qrImage(): Locator {
    return this.page.getByTestId('token-qr-image');
  }

  /** Whether the QR image decoded (an image that CSP blocked has no natural width). */
  async qrLoaded(): Promise<boolean> {
    return this.qrImage.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0);
  }

  async hideQr(): Promise<void> {
    await this.page.getByTestId('token-qr-hide').click();
    await this.qrImage.waitFor({ state: 'detached' });
  }

  // Clipboard ------------------------------------------------------------------

  async copy(name: string): Promise<void> {
    await this.row(name).getByTestId('token-copy').click();
    await this.page.locator('[data-testid="clipboard-status"][data-state="holding"]').waitFor();
  }

  get clipboardStatus(): Locator {
    return this.page.getByTestId('clipboard-status');
  }

  /** 'holding', 'cleared', 'left-alone', or null when nothing was copied. */
  async clipboardState(): Promise<string | null> {
    return (await this.clipboardStatus.isVisible()) ? this.clipboardStatus.getAttribute('data-state') : null;
  }

  async waitClipboardState(state: 'holding' | 'cleared' | 'left-alone', timeout = 60_000): Promise<void> {
    await this.page.locator(`[data-testid="clipboard-status"][data-state="${state}"]`).waitFor({ timeout });
  }

  /** Seconds until main clears the clipboard, as the countdown shows. */
  async clipboardCountdown(): Promise<number> {
    return Number(await this.page.getByTestId('clipboard-countdown').getAttribute('data-seconds'));
  }

  /** The note shown when the platform cannot keep the token out of clipboard history. */
  get clipboardHistoryNote(): Locator {
    return this.page.getByTestId('clipboard-history-note');
  }

  async clearClipboard(): Promise<void> {
    await this.page.getByTestId('clipboard-clear').click();
  }

  // Seal -----------------------------------------------------------------------

  get sealDialog(): Locator {
    return this.page.getByTestId('seal-dialog');
  }

  async openSeal(name: string): Promise<void> {
    await this.row(name).getByTestId('token-seal').click();
    await this.sealDialog.waitFor();
  }

  /** Fills the seal form (passphrases are typed into password fields). */
  async fillSeal(form: SealForm): Promise<void> {
    await this.page.getByTestId('seal-passphrase').fill(form.passphrase);
    await this.page.getByTestId('seal-passphrase-again').fill(form.again ?? form.passphrase);
    if (form.expiresInHours !== undefined) await this.page.getByTestId('seal-expiry').fill(String(form.expiresInHours));
    if (form.path !== undefined) await this.page.getByTestId('seal-path').fill(form.path);
  }

  /** Seals to the typed path; returns the result's path and fingerprint, or throws with what the dialog says. */
  async sealToPath(timeout = 30_000): Promise<{ path: string; fingerprint: string }> {
    await this.page.getByTestId('seal-submit').click();
    const result = this.page.getByTestId('seal-result');
    const problem = this.page.locator('[data-testid="seal-error"], [data-testid="seal-passphrase-problem"], [data-testid="seal-path-note"]');
    await result.or(problem).first().waitFor({ timeout });
    if (!(await result.isVisible())) throw new Error(`not sealed: ${await problem.first().innerText()}`);
    return { path: (await this.page.getByTestId('seal-result-path').innerText()).trim(), fingerprint: (await this.page.getByTestId('seal-result-fingerprint').innerText()).trim() };
  }

  /** "Choose…": the save dialog; in the preview, the note that says to type a path (the path field then has the focus). */
  async chooseSealFile(): Promise<string> {
    await this.page.getByTestId('seal-choose').click();
    const note = this.page.getByTestId('seal-path-note');
    await note.or(this.page.getByTestId('seal-result')).first().waitFor();
    return (await note.isVisible()) ? note.innerText() : '';
  }

  async sealPassphraseProblem(): Promise<string | null> {
    const el = this.page.getByTestId('seal-passphrase-problem');
    return (await el.isVisible()) ? el.innerText() : null;
  }

  async closeSeal(): Promise<void> {
    const close = this.page.getByTestId('seal-close');
    if (await close.isVisible()) await close.click();
    else await this.page.getByTestId('seal-cancel').click();
    await this.sealDialog.waitFor({ state: 'hidden' });
  }

  // Revoke ---------------------------------------------------------------------

  get revokeDialog(): Locator {
    return this.page.getByTestId('revoke-dialog');
  }

  /** Opens the revoke confirmation and returns its text (it says joined clusters stay joined). */
  async openRevoke(name: string): Promise<string> {
    await this.row(name).getByTestId('token-revoke').click();
    await this.revokeDialog.waitFor();
    return this.revokeDialog.innerText();
  }

  async confirmRevoke(): Promise<void> {
    await this.page.getByTestId('revoke-dialog-confirm').click();
    await this.revokeDialog.waitFor({ state: 'hidden' });
  }

  async cancelRevoke(): Promise<void> {
    await this.page.getByTestId('revoke-dialog-cancel').click();
    await this.revokeDialog.waitFor({ state: 'hidden' });
  }

  async revoke(name: string): Promise<void> {
    await this.openRevoke(name);
    await this.confirmRevoke();
    await this.row(name).waitFor({ state: 'detached' });
  }
}
