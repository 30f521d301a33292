/**
 * Settings: the theme, how often reachable clusters are probed, how long a
 * copied join token stays on the clipboard, where Flotilla keeps its files,
 * and About (versions and the licenses of the bundled dependencies).
 *
 * Every change is saved to the state file at once and applied at once: the
 * theme here, the probe interval by the fleet service from each cluster's
 * next probe, the clipboard delay from the next copy.
 */
import { useEffect, useId, useRef, useState, type SyntheticEvent } from 'react';
import type { OpenPathTarget } from '../../../shared/contract/index.js';
// Plain values, not the contract's index: that would bring zod, which needs eval, into the renderer.
import { CLIPBOARD_CLEAR_SECONDS, PROBE_INTERVAL_SECONDS, THEMES, type Theme } from '../../../shared/contract/settings-values.js';
import { InlineError } from '../../components/inline-error.js';
import { ScreenHeader } from '../../components/screen-header.js';
import { useAppStore } from '../../store/store.js';
import type { AppSettings } from '../../store/settings.slice.js';

const THEME_LABELS: Record<Theme, string> = { system: 'System', light: 'Light', dark: 'Dark' };

export function SettingsScreen() {
  const showScreen = useAppStore((s) => s.showScreen);
  const hasClusters = useAppStore((s) => Object.keys(s.rowsById).length > 0 || s.labStatus.running);
  const error = useAppStore((s) => s.settingsError);

  return (
    <div className="screen settings-screen" data-testid="settings-screen">
      <ScreenHeader
        title="Settings"
        subtitle="Saved on this workstation with Flotilla's state and applied at once."
        backLabel={hasClusters ? 'Fleet' : 'Back'}
        onBack={() => showScreen(hasClusters ? 'fleet' : 'welcome')}
      />
      <InlineError error={error} testId="settings-error" />
      <div className="settings-grid">
        <ThemePanel />
        <TimingPanel />
        <PathsPanel />
        <AboutPanel />
      </div>
    </div>
  );
}

function ThemePanel() {
  const theme = useAppStore((s) => s.appSettings.theme);
  const setTheme = useAppStore((s) => s.setTheme);
  const name = useId();
  return (
    <section className="panel" aria-labelledby={`${name}-title`}>
      <h2 className="panel-title" id={`${name}-title`}>
        Appearance
      </h2>
      <fieldset className="settings-choices" data-testid="settings-theme">
        <legend className="muted">Theme</legend>
        {THEMES.map((t) => (
          <label key={t} className="check-chip">
            <input type="radio" name={name} value={t} checked={theme === t} onChange={() => void setTheme(t)} data-testid={`settings-theme-${t}`} />
            {THEME_LABELS[t]}
          </label>
        ))}
      </fieldset>
      <p className="muted settings-note">System follows your desktop's light or dark preference.</p>
    </section>
  );
}

function TimingPanel() {
  return (
    <section className="panel" aria-label="Monitoring and clipboard">
      <h2 className="panel-title">Monitoring and clipboard</h2>
      <NumberSetting
        field="probeIntervalSeconds"
        label="Probe interval"
        hint="How often each reachable cluster is asked whether it answers. Unreachable clusters are asked less often."
        limits={PROBE_INTERVAL_SECONDS}
        testId="settings-probe-interval"
      />
      <NumberSetting
        field="clipboardClearSeconds"
        label="Clipboard clear delay"
        hint="How long a copied join token stays on the clipboard before Flotilla clears it."
        limits={CLIPBOARD_CLEAR_SECONDS}
        testId="settings-clipboard-delay"
      />
    </section>
  );
}

/** A number of seconds within limits, saved with Enter or its Save button. */
function NumberSetting({
  field,
  label,
  hint,
  limits,
  testId,
}: {
  field: 'probeIntervalSeconds' | 'clipboardClearSeconds';
  label: string;
  hint: string;
  limits: { min: number; max: number };
  testId: string;
}) {
  const saved = useAppStore((s) => s.appSettings[field]);
  const saveSettings = useAppStore((s) => s.saveSettings);
  const [draft, setDraft] = useState(String(saved));
  const [justSaved, setJustSaved] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => setDraft(String(saved)), [saved]);

  const isValid = (text: string) => text.trim() !== '' && Number.isInteger(Number(text)) && Number(text) >= limits.min && Number(text) <= limits.max;
  const valid = isValid(draft);
  const changed = valid && Number(draft) !== saved;

  const submit = async (e: SyntheticEvent) => {
    e.preventDefault();
    // Read the field itself: Enter right after typing can come before the re-render that has the new text.
    const text = input.current?.value ?? draft;
    if (!isValid(text) || Number(text) === saved) return;
    const change: Partial<AppSettings> = { [field]: Number(text) };
    setJustSaved(await saveSettings(change));
  };

  return (
    <form className="form-field" onSubmit={(e) => void submit(e)} data-testid={testId}>
      <label htmlFor={id}>{label}</label>
      <div className="inline-form">
        <input
          id={id}
          ref={input}
          className="input settings-number"
          type="number"
          inputMode="numeric"
          min={limits.min}
          max={limits.max}
          step={1}
          value={draft}
          aria-invalid={!valid}
          aria-describedby={`${id}-hint`}
          onChange={(e) => {
            setDraft(e.target.value);
            setJustSaved(false);
          }}
          // Enter saves even while the Save button is disabled (another save in flight), which would block the form's own submit.
          onKeyDown={(e) => {
            if (e.key === 'Enter') void submit(e);
          }}
          data-testid={`${testId}-input`}
        />
        <span className="muted">seconds</span>
        <button type="submit" className="btn btn-small" disabled={!changed} data-testid={`${testId}-save`}>
          Save
        </button>
        {justSaved && !changed && (
          <span className="field-hint--ok" role="status" data-testid={`${testId}-saved`}>
            Saved
          </span>
        )}
      </div>
      <span id={`${id}-hint`} className={valid ? 'muted settings-note' : 'settings-note settings-note--bad'}>
        {valid ? hint : `Enter a whole number of seconds from ${limits.min} to ${limits.max}.`}
      </span>
    </form>
  );
}

const PLACES: { which: OpenPathTarget; label: string }[] = [
  { which: 'state', label: 'State file' },
  { which: 'logs', label: 'Logs' },
  { which: 'audit', label: 'Audit log' },
];

function PathsPanel() {
  const paths = useAppStore((s) => s.appInfo?.paths);
  const openPath = useAppStore((s) => s.openPath);
  const error = useAppStore((s) => s.openPathError);
  return (
    <section className="panel" aria-label="Files">
      <h2 className="panel-title">Files</h2>
      <p className="muted settings-note">Credentials are not in these files: they stay in the system keychain.</p>
      <dl className="settings-paths" data-testid="settings-paths">
        {PLACES.map(({ which, label }) => (
          <div key={which} className="settings-path" data-testid={`settings-path-${which}`}>
            <dt>{label}</dt>
            <dd className="mono" data-testid={`settings-path-${which}-value`}>
              {paths?.[which] ?? '…'}
            </dd>
            <dd>
              <button type="button" className="btn btn-small" onClick={() => void openPath(which)} aria-label={`Open folder of the ${label.toLowerCase()}`} data-testid={`settings-open-${which}`}>
                Open folder
              </button>
            </dd>
          </div>
        ))}
      </dl>
      <InlineError error={error} testId="settings-open-error" />
    </section>
  );
}

function AboutPanel() {
  const about = useAppStore((s) => s.about);
  const versions = about?.versions;
  return (
    <section className="panel settings-about" aria-label="About Flotilla" data-testid="settings-about">
      <h2 className="panel-title">About Flotilla</h2>
      <dl className="settings-versions" data-testid="settings-versions">
        <dt>Flotilla</dt>
        <dd data-testid="version-flotilla">{versions?.flotilla ?? '…'}</dd>
        <dt>Electron</dt>
        <dd data-testid="version-electron">{versions ? (versions.electron ?? 'not running in Electron (preview)') : '…'}</dd>
        <dt>Node</dt>
        <dd data-testid="version-node">{versions?.node ?? '…'}</dd>
        <dt>Kubernetes client (client-node)</dt>
        <dd data-testid="version-client-node">{versions?.clientNode ?? '…'}</dd>
      </dl>
      <h3 className="settings-subtitle">Licenses of bundled dependencies{about ? ` (${about.licenses.length})` : ''}</h3>
      <div className="settings-licenses" tabIndex={0} role="region" aria-label="Licenses of bundled dependencies" data-testid="settings-licenses">
        <table className="data-table">
          <thead>
            <tr>
              <th>Package</th>
              <th>Version</th>
              <th>License</th>
            </tr>
          </thead>
          <tbody>
            {about?.licenses.map((l) => (
              <tr key={`${l.name}@${l.version}`} data-testid="license-row" data-name={l.name}>
                <td className="mono">{l.name}</td>
                <td className="mono">{l.version}</td>
                <td>{l.license}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
