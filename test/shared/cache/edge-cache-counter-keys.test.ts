import { describe, expect, it } from 'vitest';
import { edgeCacheCounterKeys } from '../../../shared/cache/edge-cache-counter-keys.ts';

describe('edgeCacheCounterKeys', () => {
  it('names the keys deployed edges and cores already share, under the prefix', () => {
    // A changed name would split the counters between an old edge and a new core mid-deploy.
    expect(edgeCacheCounterKeys('apfa:')).toEqual({ hit: 'apfa:metrics:edge_cache:hit', miss: 'apfa:metrics:edge_cache:miss' });
    expect(edgeCacheCounterKeys('t-1:').hit).toBe('t-1:metrics:edge_cache:hit');
  });
});
