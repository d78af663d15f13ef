import { AppError } from '../../shared/errors/app-error.ts';

export interface DeltaProtocol {
  minReaderVersion: number;
  readerFeatures?: string[] | undefined;
}

/**
 * Reader features this reader honours. deletionVectors are applied; timestampNtz needs nothing
 * special; vacuumProtocolCheck only constrains writers and vacuum; columnMapping only in mode
 * 'none' (checked separately). Everything else is refused rather than read wrongly.
 */
const SUPPORTED_READER_FEATURES = new Set(['deletionVectors', 'timestampNtz', 'vacuumProtocolCheck', 'columnMapping']);

/** Throws AppError 'validation-failed' naming what the table needs and this reader lacks. */
export function assertReadableTable(protocol: DeltaProtocol | undefined, configuration: Record<string, string>, table: string): void {
  if (!protocol) throw new AppError('validation-failed', { detail: `Delta table ${table} has no protocol action` });
  if (protocol.minReaderVersion > 3) {
    throw new AppError('validation-failed', { detail: `Delta table ${table} needs reader version ${protocol.minReaderVersion}; this reader supports up to 3` });
  }
  if (protocol.minReaderVersion === 3) {
    const unsupported = (protocol.readerFeatures ?? []).filter((feature) => !SUPPORTED_READER_FEATURES.has(feature));
    if (unsupported.length > 0) {
      throw new AppError('validation-failed', { detail: `Delta table ${table} uses reader features this reader does not support: ${unsupported.join(', ')}` });
    }
  }
  const mapping = configuration['delta.columnMapping.mode'] ?? 'none';
  if (mapping !== 'none') {
    throw new AppError('validation-failed', { detail: `Delta table ${table} uses column mapping mode '${mapping}', which this reader does not support` });
  }
}
