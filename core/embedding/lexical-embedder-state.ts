import type { KnowledgeDocument } from '../ports/document.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { LEXICAL_EMBEDDER_ID, LexicalEmbedder } from './lexical-embedder.ts';
import type { LexicalFitOptions } from './lexical-embedder.ts';
import { documentEmbeddingText } from './document-text.ts';
import type { EmbeddedVersion } from './embedded-version.ts';
import { isStoredLexicalState } from './lexical-embedder-bytes.ts';

/**
 * Fits the lexical embedder's IDF table on exactly the text that {@link buildIndexVersion}
 * embeds. The caller fits first and passes the result to the build, because IDF is part of the
 * embedder's identity (its modelHash), which the manifest records and queries must match.
 */
export function fitLexicalEmbedder(documents: readonly KnowledgeDocument[], options: LexicalFitOptions = {}): LexicalEmbedder {
  return LexicalEmbedder.fit(documents.map(documentEmbeddingText), options);
}

/**
 * Rebuilds the lexical embedder an index was built with from its manifest, so queries are
 * embedded with the same IDF table. The state is the JSON one the first layouts kept in the
 * manifest, or the table a binary-v2 load read from `embedder.bin` (searched in place; its hash is
 * the manifest's modelHash, which the file's verified checksum binds it to: recomputing it would
 * cost what the file saves). AppError 'index-mismatch' when the manifest is for another embedder
 * or a JSON state does not hash to the recorded modelHash.
 */
export function lexicalEmbedderFromManifest(manifest: EmbeddedVersion): LexicalEmbedder {
  if (manifest.embedder.id !== LEXICAL_EMBEDDER_ID) {
    throw new AppError('index-mismatch', { detail: `index ${manifest.version} was built with ${manifest.embedder.id}, not ${LEXICAL_EMBEDDER_ID}` });
  }
  const { state } = manifest.embedder;
  if (isStoredLexicalState(state)) {
    return new LexicalEmbedder({ dimension: state.dimension, bigramWeight: state.bigramWeight, idf: state, modelHash: manifest.embedder.modelHash });
  }
  const embedder = LexicalEmbedder.fromJSON(state);
  if (embedder.modelHash !== manifest.embedder.modelHash) {
    throw new AppError('index-mismatch', {
      detail: `lexical state in manifest ${manifest.version} hashes to ${embedder.modelHash}, manifest says ${manifest.embedder.modelHash}`,
    });
  }
  return embedder;
}
