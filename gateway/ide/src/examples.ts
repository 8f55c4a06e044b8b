// The example operations, one tab each, in file-name order (examples/NN-*.graphql).
import { type ExampleTab, exampleTab } from './example-file.js';

export { TOKEN_HINT } from './example-file.js';

const files = import.meta.glob<string>('./examples/*.graphql', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export const exampleTabs: ExampleTab[] = Object.keys(files)
  .sort()
  .map((name) => exampleTab(files[name]!));
