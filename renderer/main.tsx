/**
 * Renderer entry. Under Electron the preload has defined `window.flotilla`
 * before this runs; in a plain browser served by the preview server, the
 * preview bridge client defines it, so it is loaded (as its own chunk) only
 * then. Through the preview (development and tests) the store is also put on
 * `window.__flotillaStore`, which lets end-to-end tests check that no
 * credential ever reaches it.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { appStore } from './store/store.js';
import './styles/base.css';
import './styles/components.css';
import './features/welcome/welcome.css';
import './features/import/import.css';
import './features/fleet/fleet.css';
import './features/multicluster/multicluster.css';
import './features/tokens/tokens.css';
import './features/join/join.css';
import './features/permissions/permissions.css';
import './features/audit/audit.css';
import './features/distributions/distributions.css';
import './features/settings/settings.css';

// A glob rather than an import: the client is not part of every build (it may be absent),
// and a glob that matches nothing is simply empty.
const previewClients = import.meta.glob('./preview-bridge-client.ts');

async function ensureBridge(): Promise<void> {
  if (typeof window.flotilla !== 'undefined') return;
  const load = previewClients['./preview-bridge-client.ts'];
  if (load) await load();
}

/** Once the store knows which shell it runs in: expose it if that is the preview. */
function exposeStoreInPreview(): void {
  const unsubscribe = appStore.subscribe(({ appInfo }) => {
    if (!appInfo) return;
    unsubscribe();
    if (appInfo.shell === 'preview') (window as unknown as { __flotillaStore?: typeof appStore }).__flotillaStore = appStore;
  });
}

async function start(): Promise<void> {
  await ensureBridge();
  exposeStoreInPreview();
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
