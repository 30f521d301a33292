/**
 * The settings screen's choices, limits and defaults as plain values, with
 * no zod: the renderer imports them, and zod in the renderer's bundle would
 * need `eval`, which its CSP forbids. The schemas in app.ts are built from these.
 */

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** Limits of the settings screen's numbers; the defaults fill in state files written before they existed. */
export const PROBE_INTERVAL_SECONDS = { min: 5, max: 300, default: 10 } as const;
export const CLIPBOARD_CLEAR_SECONDS = { min: 5, max: 600, default: 30 } as const;

interface SettingsFields<F> {
  fleet: F;
  theme?: Theme;
  probeIntervalSeconds?: number;
  clipboardClearSeconds?: number;
}

/** Fills in the defaults of the fields a settings object (or an older state file) does not have. */
export function withSettingsDefaults<F>(s: SettingsFields<F>): Required<SettingsFields<F>> {
  return {
    fleet: s.fleet,
    theme: s.theme ?? 'system',
    probeIntervalSeconds: s.probeIntervalSeconds ?? PROBE_INTERVAL_SECONDS.default,
    clipboardClearSeconds: s.clipboardClearSeconds ?? CLIPBOARD_CLEAR_SECONDS.default,
  };
}
