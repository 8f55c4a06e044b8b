import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // One graphql for everything, as under Node: Vite would pick graphql's ESM build for our code while the
  // Apollo packages (CommonJS) load its CommonJS build, and graphql refuses schemas from the other copy.
  resolve: {
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: [
      'subgraphs/*/test/**/*.test.ts',
      'gateway/test/**/*.test.ts',
      'sdk/test/**/*.test.ts',
      'rest/test/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    globalSetup: ['tests/support/global-setup.ts'],
    // Two cores: stack tests start several processes each; keep files from starving one another.
    maxWorkers: 2,
    testTimeout: 60_000,
    // A seeded stack starts five processes and seeds the demo data through the API (the contract network,
    // then the products' versions and listings): past two minutes on a busy two-core machine.
    hookTimeout: 240_000,
    reporters: ['default'],
  },
});
