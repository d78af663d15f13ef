import type { KnowledgeDocument } from '../ports/document.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { averageLengthOf, type BaseSegment, type DeltaSegment, type Segment } from './segment.ts';
import { segmentedVersionId } from './segment-manifest.ts';

/**
 * A base and its deltas, searched together. Global label of row l of segment s is
 * `offsets[s] + l`; `documents` is the concatenation in that order. A row a later delta replaced
 * or deleted stays in place (labels never move) and is listed in `tombstoned[s]`.
 */
export class SegmentChain {
  readonly version: string;
  readonly base: BaseSegment;
  readonly deltas: readonly DeltaSegment[];
  readonly segments: readonly Segment[];
  readonly offsets: readonly number[];
  /** Local labels of each segment hidden by a later delta. */
  readonly tombstoned: readonly ReadonlySet<number>[];
  readonly documents: readonly KnowledgeDocument[];
  #liveLabels: Map<string, number> | null = null;
  #averageLength: number | null = null;

  private constructor(base: BaseSegment, deltas: readonly DeltaSegment[], tombstoned: Set<number>[]) {
    this.base = base;
    this.deltas = deltas;
    this.segments = [base, ...deltas];
    this.version = segmentedVersionId(base.id, deltas.map((delta) => delta.id));
    const offsets: number[] = [];
    let total = 0;
    for (const segment of this.segments) {
      offsets.push(total);
      total += segment.documents.length;
    }
    this.offsets = offsets;
    this.tombstoned = tombstoned;
    this.documents = deltas.length === 0 ? base.documents : base.documents.concat(...deltas.map((delta) => delta.documents));
  }

  /**
   * Assembles a chain and checks that each delta belongs on it: built on exactly the chain before
   * it, with the base's embedder and BM25 parameters, and every tombstone naming a row of an
   * earlier segment that holds that document id. AppError 'index-corrupt' naming the delta's file otherwise.
   */
  static assemble(base: BaseSegment, deltas: readonly DeltaSegment[]): SegmentChain {
    const tombstoned: Set<number>[] = [new Set()];
    const { embedder, dimension } = base.loaded.manifest;
    const { k1, b, titleBoost } = base.postings;
    deltas.forEach((delta, position) => {
      const { manifest } = delta;
      const file = `delta.json of delta ${delta.id}`;
      const parent = segmentedVersionId(base.id, deltas.slice(0, position).map((earlier) => earlier.id));
      if (manifest.base !== base.id || manifest.parent !== parent) {
        throw corrupt(`${file} was built on ${manifest.parent} (base ${manifest.base}), not on ${parent} (base ${base.id})`);
      }
      if (manifest.embedder.id !== embedder.id || manifest.embedder.modelHash !== embedder.modelHash || manifest.dimension !== dimension) {
        throw corrupt(`${file} was embedded with ${manifest.embedder.id}@${manifest.embedder.modelHash} (${manifest.dimension}-d), the base with ${embedder.id}@${embedder.modelHash}`);
      }
      if (manifest.bm25.k1 !== k1 || manifest.bm25.b !== b || manifest.bm25.titleBoost !== titleBoost) {
        throw corrupt(`${file} has BM25 parameters k1 ${manifest.bm25.k1}, b ${manifest.bm25.b}, title ${manifest.bm25.titleBoost}; the base has ${k1}, ${b}, ${titleBoost}`);
      }
      const earlier = new Map([base, ...deltas.slice(0, position)].map((segment, index) => [segment.id, index]));
      for (const tombstone of delta.tombstones) {
        const index = earlier.get(tombstone.segment);
        const row = index === undefined ? undefined : [base, ...deltas][index]!.documents[tombstone.label];
        if (index === undefined || row === undefined || row.id !== tombstone.id) {
          throw corrupt(`tombstones.json of delta ${delta.id} names row ${tombstone.label} of ${tombstone.segment} as "${tombstone.id}", which no earlier segment of the chain holds`);
        }
        tombstoned[index]!.add(tombstone.label);
      }
      tombstoned.push(new Set());
    });
    return new SegmentChain(base, deltas, tombstoned);
  }

  /** Whether a global label is hidden by a tombstone. */
  isTombstoned(label: number): boolean {
    const { segment, local } = this.locate(label);
    return this.tombstoned[segment]!.has(local);
  }

  /** The segment holding a global label, and the label within it. */
  locate(label: number): { segment: number; local: number } {
    let segment = this.offsets.length - 1;
    while (segment > 0 && this.offsets[segment]! > label) segment--;
    return { segment, local: label - this.offsets[segment]! };
  }

  /** Documents not hidden by a tombstone. */
  get liveCount(): number {
    return this.documents.length - this.tombstoned.reduce((sum, set) => sum + set.size, 0);
  }

  /** Global label of the live row holding document `id` (decodes every id once, on first use). */
  liveLabelOf(id: string): number | undefined {
    if (this.#liveLabels === null) {
      const labels = new Map<string, number>();
      this.segments.forEach((segment, s) => {
        const hidden = this.tombstoned[s]!;
        const offset = this.offsets[s]!;
        segment.documents.forEach((document, local) => {
          if (!hidden.has(local)) labels.set(document.id, offset + local);
        });
      });
      this.#liveLabels = labels;
    }
    return this.#liveLabels.get(id);
  }

  /** Live documents in label order: what a merge indexes. */
  liveDocuments(): { document: KnowledgeDocument; segment: number; local: number }[] {
    const live: { document: KnowledgeDocument; segment: number; local: number }[] = [];
    this.segments.forEach((segment, s) => {
      const hidden = this.tombstoned[s]!;
      segment.documents.forEach((document, local) => {
        if (!hidden.has(local)) live.push({ document, segment: s, local });
      });
    });
    return live;
  }

  /** The base's average BM25 document length (the deltas' length norms are taken against it). */
  get averageLength(): number {
    this.#averageLength ??= averageLengthOf(this.base.postings);
    return this.#averageLength;
  }
}

function corrupt(detail: string): AppError {
  return new AppError('index-corrupt', { detail });
}
