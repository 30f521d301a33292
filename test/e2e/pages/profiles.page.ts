/**
 * Global location profiles on the Multi-cluster screen's Profiles tab: the
 * list, the form (keys typed into password fields, which are emptied on
 * submit; main's refusal shown under each field it names), delete, and the
 * YAML panel (resource-yaml.page.ts).
 */
import type { Locator, Page } from 'playwright-core';
import { ResourceYamlPage } from './resource-yaml.page.js';

export interface ProfileFormInput {
  name?: string;
  accessKey?: string;
  secretKey?: string;
  endpoint?: string;
  region?: string;
  bucket?: string;
  skipTlsVerify?: boolean;
}

export interface ShownProfile {
  name: string;
  bucket: string;
  region: string;
  /** "AWS S3" when none is set. */
  endpoint: string;
  hasCredentials: boolean;
  status: string;
  usedBy: string[];
}

export class ProfilesPage {
  readonly yaml: ResourceYamlPage;

  constructor(private readonly page: Page) {
    this.yaml = new ResourceYamlPage(page);
  }

  get root(): Locator {
    return this.page.getByTestId('profiles-view');
  }

  /** Opens the Profiles tab of the Multi-cluster screen and waits for the list (or its error). */
  async open(timeout = 30_000): Promise<void> {
    await this.page.getByTestId('mc-tab-profiles').click();
    await this.root.waitFor();
    await this.page.locator('[data-testid="profiles-table"], [data-testid="profiles-empty"], [data-testid="profiles-error"]').first().waitFor({ timeout });
  }

  row(name: string): Locator {
    return this.page.locator(`[data-testid="profile-row"][data-name="${name}"]`);
  }

  async names(): Promise<string[]> {
    return this.page.getByTestId('profile-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
  }

  async read(name: string): Promise<ShownProfile> {
    const row = this.row(name);
    const usedBy = (await row.getByTestId('profile-used-by').getAttribute('data-distributions')) ?? '';
    return {
      name,
      bucket: (await row.getByTestId('profile-bucket-cell').innerText()).trim(),
      region: (await row.getByTestId('profile-region-cell').innerText()).trim(),
      endpoint: (await row.getByTestId('profile-endpoint-cell').innerText()).trim(),
      hasCredentials: (await row.getByTestId('profile-keys').getAttribute('data-present')) === 'true',
      status: (await row.getByTestId('profile-status').innerText()).trim(),
      usedBy: usedBy ? usedBy.split(',') : [],
    };
  }

  get form(): Locator {
    return this.page.getByTestId('profile-form');
  }

  async startNew(): Promise<void> {
    await this.page.getByTestId('profile-new').click();
    await this.form.waitFor();
  }

  async startEdit(name: string): Promise<void> {
    await this.row(name).getByTestId('profile-edit').click();
    await this.page.locator(`[data-testid="profile-form"][data-name="${name}"]`).waitFor();
  }

  /** Fills what is given; keys are typed into the password fields. */
  async fill(input: ProfileFormInput): Promise<void> {
    const f = this.form;
    if (input.name !== undefined) await f.getByTestId('profile-name').fill(input.name);
    if (input.accessKey !== undefined) await f.getByTestId('profile-access-key').fill(input.accessKey);
    if (input.secretKey !== undefined) await f.getByTestId('profile-secret-key').fill(input.secretKey);
    if (input.endpoint !== undefined) await f.getByTestId('profile-endpoint').fill(input.endpoint);
    if (input.region !== undefined) await f.getByTestId('profile-region').fill(input.region);
    if (input.bucket !== undefined) await f.getByTestId('profile-bucket').fill(input.bucket);
    if (input.skipTlsVerify !== undefined) await f.getByTestId('profile-skip-tls').setChecked(input.skipTlsVerify);
  }

  /** What the key fields hold now (they are emptied on submit). */
  async keyFieldValues(): Promise<{ accessKey: string; secretKey: string }> {
    return { accessKey: await this.form.getByTestId('profile-access-key').inputValue(), secretKey: await this.form.getByTestId('profile-secret-key').inputValue() };
  }

  /** The placeholder of the key fields: "unchanged" while editing. */
  async keyPlaceholder(): Promise<string> {
    return (await this.form.getByTestId('profile-secret-key').getAttribute('placeholder')) ?? '';
  }

  get skipTlsWarning(): Locator {
    return this.page.getByTestId('profile-skip-tls-warning');
  }

  /** Saves; 'saved' once the form closes, 'refused' when it stays with an error shown. */
  async save(timeout = 30_000): Promise<'saved' | 'refused'> {
    const before = Number(await this.form.getAttribute('data-refusals'));
    await this.form.getByTestId('profile-save').click();
    const refused = this.page.locator(`[data-testid="profile-form"][data-refusals="${before + 1}"]`);
    await this.page.getByTestId('profile-saved').or(refused).first().waitFor({ timeout });
    return (await refused.isVisible()) ? 'refused' : 'saved';
  }

  /** main's refusal, by the field it is shown under. */
  async fieldErrors(): Promise<Record<string, string>> {
    const entries = await this.form.getByTestId('profile-field-error').evaluateAll((els) => els.map((e) => [e.getAttribute('data-field') ?? '', (e as HTMLElement).innerText.trim()] as const));
    return Object.fromEntries(entries);
  }

  /** The field a message is shown under, by the input it follows: e.g. 'profile-bucket'. */
  async inputOfFieldError(field: string): Promise<string | null> {
    return this.form.locator(`[data-testid="profile-field-error"][data-field="${field}"]`).evaluate((el) => el.parentElement?.querySelector('input')?.getAttribute('data-testid') ?? null);
  }

  async keysClearedNote(): Promise<boolean> {
    return this.form.getByTestId('profile-keys-cleared').isVisible();
  }

  async cancel(): Promise<void> {
    await this.form.getByTestId('profile-cancel').click();
    await this.form.waitFor({ state: 'detached' });
  }

  async openYaml(name: string): Promise<ResourceYamlPage> {
    await this.row(name).getByTestId('profile-yaml').click();
    await this.yaml.waitShown('Profile', name);
    return this.yaml;
  }

  /** Deletes after confirming; resolves with the dialog's error text when refused, else null. */
  async delete(name: string): Promise<string | null> {
    await this.row(name).getByTestId('profile-delete').click();
    const dialog = this.page.getByTestId('profile-delete-dialog');
    await dialog.waitFor();
    await this.page.getByTestId('profile-delete-dialog-confirm').click();
    const error = this.page.getByTestId('profile-delete-error');
    await Promise.race([dialog.waitFor({ state: 'hidden' }), error.waitFor()]);
    if (await error.isVisible()) {
      const text = await error.innerText();
      await this.page.getByTestId('profile-delete-dialog-cancel').click();
      return text;
    }
    return null;
  }
}
