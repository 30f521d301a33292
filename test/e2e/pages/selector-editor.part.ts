/**
 * A label selector editor inside a form (renderer/components/selector-editor.tsx):
 * the raw text, the error and where it points (the highlighted character and
 * the caret), the terms as chips, and the builder's key, operator, values and
 * Add term. Its test ids are `<id>-input`, `<id>-caret`, `<id>-error`,
 * `<id>-term`, `<id>-key`, `<id>-op`, `<id>-values`, `<id>-add`.
 */
import type { Locator } from 'playwright-core';

export type BuilderOperator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!exists';

export class SelectorEditorPart {
  constructor(
    private readonly scope: Locator,
    private readonly id: string,
  ) {}

  private by(suffix: string): Locator {
    return this.scope.getByTestId(`${this.id}-${suffix}`);
  }

  /** Replaces the raw text. */
  async type(text: string): Promise<void> {
    await this.by('input').fill(text);
  }

  async text(): Promise<string> {
    return this.by('input').inputValue();
  }

  /** The error shown under the text, or null when it parses. */
  async error(): Promise<string | null> {
    const e = this.by('error');
    return (await e.isVisible()) ? (await e.innerText()).trim() : null;
  }

  /** Where the caret points (the offset of the highlighted character), or null when there is none. */
  async caretPosition(): Promise<number | null> {
    const c = this.by('caret');
    if (!(await c.isVisible())) return null;
    return Number(await c.getAttribute('data-position'));
  }

  /** The character the editor highlights. */
  async highlighted(): Promise<string | null> {
    const c = this.by('caret');
    if (!(await c.isVisible())) return null;
    return c.locator('mark').innerText();
  }

  async terms(): Promise<string[]> {
    return this.by('term').evaluateAll((els) => els.map((e) => e.getAttribute('data-term') ?? ''));
  }

  /** Builds one term and adds it. */
  async addTerm(key: string, op: BuilderOperator, values = ''): Promise<void> {
    await this.by('key').fill(key);
    await this.by('op').selectOption(op);
    if (op !== 'exists' && op !== '!exists') await this.by('values').fill(values);
    await this.by('add').click();
  }
}
