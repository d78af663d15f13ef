/**
 * What the embedding layer needs to know about a stored index version: its id and the embedder
 * that built it (id, modelHash and any serialised state such as the lexical IDF table). An
 * `IndexManifest` is one; this narrower shape keeps `core/embedding` free of `core/indexing`,
 * which depends on it.
 */
export interface EmbeddedVersion {
  readonly version: string;
  readonly embedder: { readonly id: string; readonly modelHash: string; readonly state?: unknown };
}
