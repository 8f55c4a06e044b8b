import { defineConfig } from 'vite';

// The gateway serves index.html on GET /graphql and the assets under /ide/ (gateway/src/ide.ts).
export default defineConfig({
  base: '/ide/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
    rolldownOptions: {
      // GraphiQL's React packages carry "use client"/"use no memo" directives that a bundle drops anyway.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
