/**
 * Builds the renderer (renderer/index.html → out/renderer). The base is
 * relative so the same build loads from file:// in Electron and from the
 * preview server's http://127.0.0.1 origin.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    // Electron's Chromium supports modulepreload natively; the polyfill would only add code.
    modulePreload: { polyfill: false },
    // Keep every asset a file: a data: URL for a script or font would need a looser CSP.
    assetsInlineLimit: 0,
    target: 'chrome120',
    sourcemap: true,
  },
});
