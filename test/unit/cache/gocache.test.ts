import { shardSplit } from '../../../src/cache/gocache.js';

describe('shardSplit', () => {
  it('splits the shards by their first hex digit, less the part the rest goes with', () => {
    expect(shardSplit(1)).toEqual([]);
    expect(shardSplit(2)).toEqual(['[89abcdef][0-9a-f]']);
    expect(shardSplit(4)).toEqual(['[4567][0-9a-f]', '[89ab][0-9a-f]', '[cdef][0-9a-f]']);
    expect(shardSplit(3)).toEqual(['[56789][0-9a-f]', '[abcdef][0-9a-f]']);
    // never more parts than first digits, never fewer than one
    expect(shardSplit(64)).toHaveLength(15);
    expect(shardSplit(0)).toEqual([]);
  });
});
