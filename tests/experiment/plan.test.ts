import { describe, expect, it } from 'vitest';
import { inShard, shardRunCount, shardRunId } from '../../src/experiment/plan.js';

describe('shard run positions', () => {
  it('list exactly the runs inShard selects, in run_id order', () => {
    for (let total = 0; total <= 23; total++) {
      const shards = [
        null,
        ...[1, 2, 3, 5, 7, 30].flatMap((count) =>
          Array.from({ length: count }, (_, i) => ({ index: i + 1, count })),
        ),
      ];
      for (const shard of shards) {
        const expected = Array.from({ length: total }, (_, i) => i + 1).filter((id) =>
          inShard(id, shard),
        );
        const listed = Array.from({ length: shardRunCount(total, shard) }, (_, k) =>
          shardRunId(k, shard),
        );
        expect(
          listed,
          `total ${total}, shard ${shard ? `${shard.index}/${shard.count}` : 'none'}`,
        ).toEqual(expected);
      }
    }
  });
});
