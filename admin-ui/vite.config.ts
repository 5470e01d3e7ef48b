// Builds the admin UI into dist/, which the appliance serves at `/` (appliance/http/server.ts).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // react-admin with Material UI is ~1.1 MB minified (~340 KB gzipped) in one chunk. It is an
    // admin tool loaded once and then cached as immutable, so splitting it would not help.
    chunkSizeWarningLimit: 1500,
  },
});
