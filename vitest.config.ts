import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'subgraphs/*/test/**/*.test.ts',
      'gateway/test/**/*.test.ts',
      'sdk/test/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    globalSetup: ['tests/support/global-setup.ts'],
    // Two cores: stack tests start several processes each; keep files from starving one another.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
