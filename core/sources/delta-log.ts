import { z } from 'zod';
import { AppError } from '../../shared/errors/app-error.ts';
import { deletionVectorId, type DeletionVectorDescriptor } from './delta-deletion-vector.ts';
import { assertReadableTable, type DeltaProtocol } from './delta-table-features.ts';
import { decodeParquet } from './parquet-rows.ts';
import { describeFile, readRequiredFile, type SourceFileReader } from './source-file-reader.ts';

/** A top-level column of the table schema (`metaData.schemaString`). */
export interface DeltaField {
  name: string;
  /** 'string', 'long', … or a nested type object. */
  type: unknown;
}

/** A live data file of the snapshot. */
export interface DeltaFile {
  /** Decoded path relative to the table root. */
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  deletionVector: DeletionVectorDescriptor | null;
}

export interface DeltaSnapshot {
  version: number;
  fields: DeltaField[];
  partitionColumns: string[];
  files: DeltaFile[];
}

const COMMIT = /^_delta_log\/(\d{20})\.json$/;
const CHECKPOINT = /^_delta_log\/(\d{20})\.checkpoint(?:\.(\d{10})\.(\d{10}))?\.parquet$/;

/** Checkpoint Parquet gives longs as bigint; JSON commits give numbers. */
const integer = z.union([z.number(), z.bigint()]).transform((value) => Number(value));

const DeletionVectorSchema = z.object({
  storageType: z.string(),
  pathOrInlineDv: z.string(),
  offset: integer.nullish().transform((value) => value ?? undefined),
  sizeInBytes: integer,
  cardinality: integer,
});

const AddSchema = z.object({
  path: z.string().min(1),
  partitionValues: z.record(z.string(), z.string().nullable()).nullish().transform((value) => value ?? {}),
  size: integer.nullish().transform((value) => value ?? 0),
  deletionVector: DeletionVectorSchema.nullish().transform((value) => value ?? null),
});

const RemoveSchema = z.object({
  path: z.string().min(1),
  deletionVector: DeletionVectorSchema.nullish().transform((value) => value ?? null),
});

const MetadataSchema = z.object({
  schemaString: z.string(),
  partitionColumns: z.array(z.string()).nullish().transform((value) => value ?? []),
  configuration: z.record(z.string(), z.string().nullable()).nullish().transform((value) => value ?? {}),
});

const ProtocolSchema = z.object({
  minReaderVersion: integer,
  readerFeatures: z.array(z.string()).nullish().transform((value) => value ?? undefined),
});

const LastCheckpointSchema = z.object({ version: integer, parts: integer.nullish() });

interface ReplayState {
  files: Map<string, DeltaFile>;
  metadata: z.output<typeof MetadataSchema> | undefined;
  protocol: DeltaProtocol | undefined;
}

/**
 * Reads the latest snapshot of a Delta table from its `_delta_log`: the newest complete
 * checkpoint (single or multi-part Parquet; `_last_checkpoint` is only a hint), then every JSON
 * commit after it, which must be contiguous. `add` and `remove` are reconciled by (path,
 * deletion-vector id), so a DELETE that re-adds a file with a deletion vector replaces the old
 * entry. Anything not a commit or checkpoint (`_delta_log/.tmp/…`, `.crc`, compacted logs) is
 * ignored. Tables that need features this reader lacks are refused (see delta-table-features.ts).
 */
export async function readDeltaSnapshot(files: SourceFileReader): Promise<DeltaSnapshot> {
  const table = files.location;
  const { commits, checkpoints } = indexLog(await files.list('_delta_log/'));
  const checkpoint = await chooseCheckpoint(files, checkpoints);
  const latestCommit = Math.max(-1, ...commits.keys());
  const version = Math.max(latestCommit, checkpoint?.version ?? -1);
  if (version < 0) throw new AppError('not-found', { detail: `no Delta table at ${table} (no commits in _delta_log)` });

  const state: ReplayState = { files: new Map(), metadata: undefined, protocol: undefined };
  if (checkpoint) {
    for (const key of checkpoint.keys) {
      const rows = await decodeParquet(await readRequiredFile(files, key), describeFile(files, key));
      for (const row of rows) applyAction(state, row, { fromCheckpoint: true, where: key });
    }
  }
  for (let next = (checkpoint?.version ?? -1) + 1; next <= version; next++) {
    const key = commits.get(next);
    if (key === undefined) {
      throw new AppError('validation-failed', {
        detail: checkpoint || next > 0
          ? `Delta table ${table}: commit ${next} is missing from _delta_log (have up to ${version})`
          : `Delta table ${table}: the log has no checkpoint and does not start at version 0`,
      });
    }
    const lines = new TextDecoder().decode(await readRequiredFile(files, key)).split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      let action: unknown;
      try {
        action = JSON.parse(line);
      } catch {
        throw new AppError('validation-failed', { detail: `Delta table ${table}: ${key} line ${index + 1} is not valid JSON` });
      }
      applyAction(state, action, { fromCheckpoint: false, where: key });
    });
  }

  if (!state.metadata) throw new AppError('validation-failed', { detail: `Delta table ${table} has no metaData action` });
  const configuration = Object.fromEntries(Object.entries(state.metadata.configuration).filter((entry): entry is [string, string] => entry[1] !== null));
  assertReadableTable(state.protocol, configuration, table);
  return {
    version,
    fields: parseSchemaFields(state.metadata.schemaString, table),
    partitionColumns: state.metadata.partitionColumns,
    files: [...state.files.values()].sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0)),
  };
}

function indexLog(keys: string[]) {
  const commits = new Map<number, string>();
  const checkpoints = new Map<number, { total: number; parts: Map<number, string> }>();
  for (const key of keys) {
    const commit = COMMIT.exec(key);
    if (commit) {
      commits.set(Number(commit[1]), key);
      continue;
    }
    const checkpoint = CHECKPOINT.exec(key);
    if (!checkpoint) continue;
    const version = Number(checkpoint[1]);
    const part = checkpoint[2] === undefined ? 1 : Number(checkpoint[2]);
    const total = checkpoint[3] === undefined ? 1 : Number(checkpoint[3]);
    const entry = checkpoints.get(version) ?? { total, parts: new Map<number, string>() };
    if (entry.total !== total) continue; // parts of an abandoned attempt with another part count
    entry.parts.set(part, key);
    checkpoints.set(version, entry);
  }
  return { commits, checkpoints };
}

/** The newest checkpoint whose parts are all present; `_last_checkpoint` must agree on the part count when it names that version. */
async function chooseCheckpoint(files: SourceFileReader, checkpoints: Map<number, { total: number; parts: Map<number, string> }>) {
  const hintBytes = await files.read('_delta_log/_last_checkpoint');
  let hint: z.output<typeof LastCheckpointSchema> | undefined;
  if (hintBytes !== null) {
    try {
      hint = LastCheckpointSchema.parse(JSON.parse(new TextDecoder().decode(hintBytes)));
    } catch {
      hint = undefined; // a broken hint only costs the listing we already have
    }
  }
  const complete = [...checkpoints.entries()]
    .filter(([version, entry]) => entry.parts.size === entry.total && (hint?.version !== version || (hint.parts ?? 1) === entry.total))
    .sort(([left], [right]) => right - left);
  const newest = complete[0];
  if (!newest) return undefined;
  const [version, entry] = newest;
  const keys = [...entry.parts.entries()].sort(([left], [right]) => left - right).map(([, key]) => key);
  return { version, keys };
}

function applyAction(state: ReplayState, action: unknown, context: { fromCheckpoint: boolean; where: string }): void {
  if (action === null || typeof action !== 'object') return;
  const record = action as Record<string, unknown>;
  const invalid = (kind: string, error: z.ZodError) =>
    new AppError('validation-failed', { detail: `invalid ${kind} action in ${context.where}: ${error.issues[0]?.path.join('.') ?? ''} ${error.issues[0]?.message ?? ''}`.trim() });
  if (record['add'] != null) {
    const parsed = AddSchema.safeParse(record['add']);
    if (!parsed.success) throw invalid('add', parsed.error);
    const path = relativePath(parsed.data.path, context.where);
    const file: DeltaFile = { path, partitionValues: parsed.data.partitionValues, size: parsed.data.size, deletionVector: parsed.data.deletionVector };
    state.files.set(fileKey(path, file.deletionVector), file);
  }
  // Removes inside a checkpoint are tombstones for vacuum; they never name a live file.
  if (record['remove'] != null && !context.fromCheckpoint) {
    const parsed = RemoveSchema.safeParse(record['remove']);
    if (!parsed.success) throw invalid('remove', parsed.error);
    state.files.delete(fileKey(relativePath(parsed.data.path, context.where), parsed.data.deletionVector));
  }
  if (record['metaData'] != null) {
    const parsed = MetadataSchema.safeParse(record['metaData']);
    if (!parsed.success) throw invalid('metaData', parsed.error);
    state.metadata = parsed.data;
  }
  if (record['protocol'] != null) {
    const parsed = ProtocolSchema.safeParse(record['protocol']);
    if (!parsed.success) throw invalid('protocol', parsed.error);
    state.protocol = parsed.data;
  }
}

const fileKey = (path: string, deletionVector: DeletionVectorDescriptor | null) => `${path}\0${deletionVectorId(deletionVector)}`;

/** Log paths are URL-encoded and relative to the table root; absolute ones (shallow clones) are refused. */
function relativePath(encoded: string, where: string): string {
  let path: string;
  try {
    path = decodeURIComponent(encoded);
  } catch {
    throw new AppError('validation-failed', { detail: `invalid file path in ${where}` });
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/')) {
    throw new AppError('validation-failed', { detail: `${where} names a data file by absolute path (${path}); only files inside the table are supported` });
  }
  return path;
}

function parseSchemaFields(schemaString: string, table: string): DeltaField[] {
  const SchemaSchema = z.object({ type: z.literal('struct'), fields: z.array(z.object({ name: z.string(), type: z.unknown() })) });
  try {
    return SchemaSchema.parse(JSON.parse(schemaString)).fields;
  } catch {
    throw new AppError('validation-failed', { detail: `Delta table ${table} has an unreadable schemaString` });
  }
}
