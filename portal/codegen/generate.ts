// Typed documents for the portal: the SDK's generator (GraphQL Code Generator's client preset against the
// API schema the gateway serves) over portal/operations, written to portal/src/generated (checked in;
// tests/portal/generated.test.ts fails when it is stale). One operations file per service, so a renamed
// input shows up in one place.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GeneratedFile, generateTypes } from '../../sdk/codegen/generate.js';

const PORTAL = fileURLToPath(new URL('..', import.meta.url));
export const PORTAL_GENERATED_DIR = join(PORTAL, 'src', 'generated');

export function generatePortalTypes(
  documents = join(PORTAL, 'operations', '*.graphql'),
): Promise<GeneratedFile[]> {
  return generateTypes(documents, PORTAL_GENERATED_DIR);
}
