/**
 * The renderer's one store, combined from one slice per file. IPC results
 * enter it only through the slices' actions; components read it with atomic
 * selectors (or useShallow) through `useAppStore`.
 *
 * `createAppStore(api)` builds an independent store around any Api, which is
 * how unit tests drive the slices against a fake main process.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { windowApi, type Api } from '../api.js';
import { createAppSlice, type AppSlice } from './app.slice.js';
import { createLabSlice, type LabSlice } from './lab.slice.js';
import { createFleetSlice, type FleetSlice } from './fleet.slice.js';
import { createFleetPrefsSlice, type FleetPrefsSlice } from './fleet-prefs.slice.js';
import { createFleetDetailSlice, type FleetDetailSlice } from './fleet-detail.slice.js';
import { createImportSlice, type ImportSlice } from './import.slice.js';
import { createRevealedSlice, type RevealedSlice } from './revealed.slice.js';
import { createOperationsSlice, type OperationsSlice } from './operations.slice.js';
import { createMulticlusterSlice, type MulticlusterSlice } from './multicluster.slice.js';
import { createPromoteSlice, type PromoteSlice } from './promote.slice.js';
import { createTokensSlice, type TokensSlice } from './tokens.slice.js';
import { createJoinSlice, type JoinSlice } from './join.slice.js';
import { createJoinManySlice, type JoinManySlice } from './join-many.slice.js';
import { createPermissionsSlice, type PermissionsSlice } from './permissions.slice.js';
import { createAuditSlice, type AuditSlice } from './audit.slice.js';
import { createProfilesSlice, type ProfilesSlice } from './profiles.slice.js';
import { createPoliciesSlice, type PoliciesSlice } from './policies.slice.js';
import { createDistributionsSlice, type DistributionsSlice } from './distributions.slice.js';
import { createResourcesSlice, type ResourcesSlice } from './resources.slice.js';
import { createSettingsSlice, type SettingsSlice } from './settings.slice.js';

export type Store = AppSlice &
  LabSlice &
  FleetSlice &
  FleetPrefsSlice &
  FleetDetailSlice &
  ImportSlice &
  RevealedSlice &
  OperationsSlice &
  MulticlusterSlice &
  PromoteSlice &
  TokensSlice &
  JoinSlice &
  JoinManySlice &
  PermissionsSlice &
  AuditSlice &
  ProfilesSlice &
  PoliciesSlice &
  DistributionsSlice &
  ResourcesSlice &
  SettingsSlice;
export type AppStore = StoreApi<Store>;

export function createAppStore(api: Api): AppStore {
  return createStore<Store>()((...a) => ({
    ...createAppSlice(api)(...a),
    ...createLabSlice(api)(...a),
    ...createFleetSlice(api)(...a),
    ...createFleetPrefsSlice(api)(...a),
    ...createFleetDetailSlice(api)(...a),
    ...createImportSlice(api)(...a),
    ...createRevealedSlice(...a),
    ...createOperationsSlice(...a),
    ...createMulticlusterSlice(api)(...a),
    ...createPromoteSlice(api)(...a),
    ...createTokensSlice(api)(...a),
    ...createJoinSlice(api)(...a),
    ...createJoinManySlice(api)(...a),
    ...createPermissionsSlice(api)(...a),
    ...createAuditSlice(api)(...a),
    ...createProfilesSlice(api)(...a),
    ...createPoliciesSlice(api)(...a),
    ...createDistributionsSlice(api)(...a),
    ...createResourcesSlice(api)(...a),
    ...createSettingsSlice(api)(...a),
  }));
}

/** Puts a store back to the state it was created with (tests, and leaving a lab). */
export function resetStore(store: AppStore, initial: Store): void {
  store.setState(initial, true);
}

/** The app's store, talking to main through window.flotilla. */
export const appStore = createAppStore(windowApi);

/** Reads the app store; pass an atomic selector, or wrap an object-returning one in useShallow. */
export function useAppStore<T>(selector: (state: Store) => T): T {
  return useStore(appStore, selector);
}
