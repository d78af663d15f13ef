import path from 'node:path';
import { AppError } from '../../shared/errors/app-error.ts';
import type { DocumentSource } from '../ports/document-source.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { createDeltaDocumentSource } from './delta-document-source.ts';
import { parseDocumentSourceSpec, type DocumentSourceSpec } from './document-source-spec.ts';
import { createFileDocumentSource } from './file-document-source.ts';
import { localFileReader, objectStoreFileReader } from './source-file-reader.ts';

export interface DocumentSourceDependencies {
  /** The object store `key` specs read from (the S3 adapter in production). */
  store?: ObjectStore | undefined;
  /** How that store is named in source names, e.g. `s3://bucket`; default its `name` or `kind`. */
  storeLocation?: string | undefined;
  /** Folder relative local paths resolve against (default the working directory). */
  baseDir?: string | undefined;
}

/**
 * Builds a DocumentSource from a spec (validated here; see DocumentSourceSpecSchema). Nothing is
 * read until `read()`; a missing file or table surfaces then as AppError 'not-found'.
 */
export function createDocumentSource(spec: DocumentSourceSpec | string, dependencies: DocumentSourceDependencies = {}): DocumentSource {
  const parsed = parseDocumentSourceSpec(spec);
  const columns = parsed.columns;
  if (parsed.key !== undefined) {
    const store = dependencies.store;
    if (!store) throw new AppError('validation-failed', { detail: `a ${parsed.kind} source with an object key needs object storage to be configured` });
    const location = dependencies.storeLocation ?? storeName(store);
    if (parsed.kind === 'delta') {
      const prefix = parsed.key.replace(/\/+$/, '');
      return createDeltaDocumentSource({ files: objectStoreFileReader(store, prefix, `${location}/${prefix}`), columns, name: parsed.name });
    }
    return createFileDocumentSource({ format: parsed.kind, files: objectStoreFileReader(store, '', location), path: parsed.key, columns, delimiter: parsed.delimiter, name: parsed.name });
  }
  const absolute = path.resolve(dependencies.baseDir ?? process.cwd(), parsed.path ?? '');
  if (parsed.kind === 'delta') return createDeltaDocumentSource({ files: localFileReader(absolute), columns, name: parsed.name });
  return createFileDocumentSource({
    format: parsed.kind,
    files: localFileReader(path.dirname(absolute)),
    path: path.basename(absolute),
    columns,
    delimiter: parsed.delimiter,
    name: parsed.name,
  });
}

function storeName(store: ObjectStore): string {
  const name = (store as { name?: unknown }).name;
  return typeof name === 'string' ? name : store.kind;
}
