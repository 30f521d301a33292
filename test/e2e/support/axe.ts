/**
 * axe-core over the page as it is now, in both palettes (theme "system", the
 * colour scheme emulated), with a screenshot of each: the violations as one
 * line per element (palette · rule (impact) · target · what to fix), so a
 * failing assertion says what to change.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { screenshot } from './artefacts.js';

export const PALETTES = ['light', 'dark'] as const;

/** Waits until CSS transitions (colours fading to a new palette) have ended and two frames have painted. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await Promise.all(
      document
        .getAnimations()
        .filter((a) => a instanceof CSSTransition)
        .map((a) => a.finished.catch(() => undefined)),
    );
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

export async function violations(page: Page, palette: string): Promise<string[]> {
  // Legacy mode runs axe.run() in the page itself: the app has no frames, so the default's per-frame partial
  // runs and the blank page it opens to combine them would only cost time.
  const result = await new AxeBuilder({ page }).setLegacyMode().analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => {
      const fix = (n.failureSummary ?? '').replace(/^Fix (any|all) of the following:\s*/i, '').replace(/\s+/g, ' ').trim();
      return `${palette} · ${v.id} (${v.impact ?? 'no impact'}) · ${n.target.join(' ')} · ${v.help} — ${fix}`;
    }),
  );
}

/** The violations in both palettes, each photographed as `<name>-<palette>.png`; the page is left light. */
export async function violationsInBothPalettes(page: Page, name: string): Promise<string[]> {
  const found: string[] = [];
  for (const palette of PALETTES) {
    await page.emulateMedia({ colorScheme: palette });
    await settle(page);
    found.push(...(await violations(page, palette)));
    await screenshot(page, `${name}-${palette}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await settle(page);
  return found;
}
