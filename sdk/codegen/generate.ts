// Typed documents for the SDK: GraphQL Code Generator's client preset over the operations in
// sdk/operations, checked against the API schema the gateway serves (the supergraph without its
// federation machinery). The output is checked in; sdk/test/generated.test.ts fails when it is stale.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { apiSchemaSdl } from '../../schema/api-schema.js';

const SDK = fileURLToPath(new URL('..', import.meta.url));
export const GENERATED_DIR = join(SDK, 'src', 'generated');

export interface GeneratedFile {
  path: string;
  content: string;
}

/**
 * The generated files, not written: the caller writes them or compares them. The portal (portal/) reuses
 * it for its own operations with its own output folder.
 */
export async function generateTypes(
  documents = join(SDK, 'operations', '*.graphql'),
  outDir = GENERATED_DIR,
): Promise<GeneratedFile[]> {
  const files = await generate(
    {
      schema: apiSchemaSdl(),
      documents,
      silent: true,
      generates: {
        [`${outDir}/`]: {
          preset: 'client',
          presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
          config: {
            useTypeImports: true,
            enumsAsTypes: true,
            emitLegacyCommonJSImports: false,
            scalars: { DateTime: 'string', Decimal: 'string', Cursor: 'string', JSON: 'unknown' },
          },
        },
      },
    },
    false,
  );
  return files.map((f: { filename: string; content: string }) => ({ path: f.filename, content: f.content }));
}
