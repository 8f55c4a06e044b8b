// The API schema clients see: the checked-in supergraph without its federation machinery
// (join__/link directives and types). The SDK's code generator and the IDE's example checks use it.
import { readFileSync } from 'node:fs';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { SUPERGRAPH_PATH } from './compose.js';

export function apiSchemaSdl(): string {
  // Printed by federation-internals itself: its graphql-js objects belong to its own module instance,
  // which a caller's `graphql` import may not be.
  return printSchema(Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema());
}
