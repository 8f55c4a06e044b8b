// Routing URLs of the subgraphs named in a supergraph, with configured overrides applied.
import { Supergraph } from '@apollo/federation-internals';

export function subgraphUrls(supergraphSdl: string, overrides: Record<string, string>): Map<string, string> {
  const urls = new Map<string, string>();
  for (const sg of Supergraph.build(supergraphSdl).subgraphs()) {
    urls.set(sg.name, overrides[sg.name] ?? sg.url);
  }
  return urls;
}
