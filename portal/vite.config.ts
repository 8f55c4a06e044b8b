import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The gateway serves dist/ at /portal/ (gateway/src/portal.ts); relative asset URLs keep the bundle
// movable, and everything it needs is in it (no CDN, no web fonts).
export default defineConfig({
  base: './',
  logLevel: 'warn',
  plugins: [react()],
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 2048,
    reportCompressedSize: false,
    rolldownOptions: {
      // Mantine's modules carry "use client" directives that a bundle drops anyway.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
