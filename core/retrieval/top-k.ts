import type { RetrievalHit } from './retriever.ts';

/**
 * Best `k` of `count` scored labels, best first; ties go to the lower label so rankings are
 * reproducible. `scoreOf` is called once per label; labels it scores as NaN are skipped.
 * A bounded min-heap, so O(count · log k) instead of sorting everything.
 */
export function topK(count: number, k: number, scoreOf: (label: number) => number, labels?: ArrayLike<number>): RetrievalHit[] {
  const size = Math.max(0, Math.min(k, labels ? labels.length : count));
  if (size === 0) return [];
  const heapLabels = new Int32Array(size);
  const heapScores = new Float64Array(size);
  let filled = 0;
  // "worse" = lower score, or equal score and higher label; the heap root is the worst kept.
  const worse = (i: number, j: number) =>
    heapScores[i]! < heapScores[j]! || (heapScores[i] === heapScores[j] && heapLabels[i]! > heapLabels[j]!);
  const swap = (i: number, j: number) => {
    const label = heapLabels[i]!;
    const score = heapScores[i]!;
    heapLabels[i] = heapLabels[j]!;
    heapScores[i] = heapScores[j]!;
    heapLabels[j] = label;
    heapScores[j] = score;
  };
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < filled && worse(left, worst)) worst = left;
      if (right < filled && worse(right, worst)) worst = right;
      if (worst === i) return;
      swap(i, worst);
      i = worst;
    }
  };
  const total = labels ? labels.length : count;
  for (let n = 0; n < total; n++) {
    const label = labels ? labels[n]! : n;
    const score = scoreOf(label);
    if (Number.isNaN(score)) continue;
    if (filled < size) {
      heapLabels[filled] = label;
      heapScores[filled] = score;
      let i = filled++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (score > heapScores[0]! || (score === heapScores[0] && label < heapLabels[0]!)) {
      heapLabels[0] = label;
      heapScores[0] = score;
      siftDown(0);
    }
  }
  const hits: RetrievalHit[] = [];
  for (let i = 0; i < filled; i++) hits.push({ label: heapLabels[i]!, score: heapScores[i]! });
  return hits.sort((a, b) => b.score - a.score || a.label - b.label);
}
