/** The app itself: what it runs on, the keychain, settings, the lab fleet. */
import { z } from 'zod';
import { CLIPBOARD_CLEAR_SECONDS, PROBE_INTERVAL_SECONDS, THEMES } from './settings-values.js';

export * from './settings-values.js';

export const KeychainStatusSchema = z.object({
  available: z.boolean(),
  /** e.g. "Secret Service (libsecret)", "macOS Keychain", "Windows Credential Manager". */
  backend: z.string(),
  /** When unavailable: what is wrong and how to fix it. */
  problem: z.string().optional(),
});
export type KeychainStatus = z.infer<typeof KeychainStatusSchema>;

export const AppInfoSchema = z.object({
  version: z.string(),
  platform: z.string(),
  /** 'electron' in the app; 'preview' through the preview bridge; 'cli' for the command line. */
  shell: z.enum(['electron', 'preview', 'cli']),
  keychain: KeychainStatusSchema,
  /** A state file that could not be read was moved aside: where, and why. */
  stateProblem: z.string().optional(),
  /** Where Flotilla keeps its files (all under the user-data folder). */
  paths: z.object({
    /** The state file (clusters without secrets, settings). */
    state: z.string(),
    /** The folder of main's logs. */
    logs: z.string(),
    /** The folder of the audit log. */
    audit: z.string(),
  }),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const FleetPrefsSchema = z.object({
  sort: z.object({ column: z.string().max(64), direction: z.enum(['asc', 'desc']) }),
  filter: z.string().max(1000),
  roleFilter: z.array(z.string().max(32)).max(10),
  /** The fleet view's state filter ('all', 'reachable', …); absent in state files of before it was saved. */
  stateFilter: z.string().max(32).default('all'),
});
export type FleetPrefs = z.infer<typeof FleetPrefsSchema>;

export const ThemeSchema = z.enum(THEMES);

/**
 * The user's settings as saved in the state file. The fields after `fleet`
 * came later: they are optional so state files written before them still
 * load (and so a caller that only knows `fleet` can still save it);
 * `settings:get` answers with every field, defaults filled in
 * (`withSettingsDefaults`).
 */
export const SettingsSchema = z.object({
  fleet: FleetPrefsSchema,
  /** 'system' follows the OS's light or dark preference. */
  theme: ThemeSchema.optional(),
  /** Between two reachability probes of a reachable cluster. */
  probeIntervalSeconds: z.number().int().min(PROBE_INTERVAL_SECONDS.min).max(PROBE_INTERVAL_SECONDS.max).optional(),
  /** How long a copied join token stays on the clipboard when the copy names no delay. */
  clipboardClearSeconds: z.number().int().min(CLIPBOARD_CLEAR_SECONDS.min).max(CLIPBOARD_CLEAR_SECONDS.max).optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;
/** Settings with every field present (`withSettingsDefaults` makes them). */
export type FullSettings = Required<Settings>;

/** Which of Flotilla's places `app:open-path` opens. */
export const OpenPathTargetSchema = z.enum(['state', 'logs', 'audit']);
export type OpenPathTarget = z.infer<typeof OpenPathTargetSchema>;

/** One bundled production dependency, from package-lock.json at build time. */
export const BundledLicenseSchema = z.object({ name: z.string(), version: z.string(), license: z.string() });
export type BundledLicense = z.infer<typeof BundledLicenseSchema>;

export const AboutSchema = z.object({
  versions: z.object({
    flotilla: z.string(),
    /** null outside Electron (the preview, the CLI). */
    electron: z.string().nullable(),
    node: z.string(),
    clientNode: z.string(),
  }),
  /** The production dependencies bundled into the app, with their licenses, by name. */
  licenses: z.array(BundledLicenseSchema),
});
export type About = z.infer<typeof AboutSchema>;

export const LabStatusSchema = z.object({
  running: z.boolean(),
  clusters: z.array(z.string()),
});
export type LabStatus = z.infer<typeof LabStatusSchema>;

export const appChannels = {
  'app:info': { args: z.object({}), result: AppInfoSchema },
  'settings:get': { args: z.object({}), result: SettingsSchema },
  /** Saves the settings given; a field left out keeps its saved value. Answers with every field. */
  'settings:set': { args: z.object({ settings: SettingsSchema }), result: SettingsSchema },
  /** Starts a lab fleet in the background; its credentials stay in memory. */
  'lab:start': { args: z.object({ clusters: z.number().int().min(1).max(1000).default(3) }), result: LabStatusSchema },
  'lab:status': { args: z.object({}), result: LabStatusSchema },
  'lab:stop': { args: z.object({}), result: LabStatusSchema },
  /** Versions of Flotilla and what it runs on, and the bundled dependencies' licenses. */
  'app:about': { args: z.object({}), result: AboutSchema },
  /** Opens the folder of the state file, the logs or the audit log in the system's file manager. */
  'app:open-path': { args: z.object({ which: OpenPathTargetSchema }), result: z.null() },
  /** Opens an http(s) link in the system browser (after a URL check). */
  'app:open-external': { args: z.object({ url: z.string().max(2048) }), result: z.null() },
} as const;
