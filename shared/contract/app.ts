/** The app itself: what it runs on, the keychain, settings, the lab fleet. */
import { z } from 'zod';

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

export const SettingsSchema = z.object({
  fleet: FleetPrefsSchema,
});
export type Settings = z.infer<typeof SettingsSchema>;

export const LabStatusSchema = z.object({
  running: z.boolean(),
  clusters: z.array(z.string()),
});
export type LabStatus = z.infer<typeof LabStatusSchema>;

export const appChannels = {
  'app:info': { args: z.object({}), result: AppInfoSchema },
  'settings:get': { args: z.object({}), result: SettingsSchema },
  'settings:set': { args: z.object({ settings: SettingsSchema }), result: SettingsSchema },
  /** Starts a lab fleet in the background; its credentials stay in memory. */
  'lab:start': { args: z.object({ clusters: z.number().int().min(1).max(500).default(3) }), result: LabStatusSchema },
  'lab:status': { args: z.object({}), result: LabStatusSchema },
  'lab:stop': { args: z.object({}), result: LabStatusSchema },
  /** Opens an http(s) link in the system browser (after a URL check). */
  'app:open-external': { args: z.object({ url: z.string().max(2048) }), result: z.null() },
} as const;
