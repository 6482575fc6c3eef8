/**
 * Partners (model/state.ts): a partner's group is found from its id alone, group by group in file
 * order, whatever the number of groups and with groups of no partners between them.
 */
import { describe, expect, it } from 'vitest';
import { Partners, type PartnerTraits } from '../../src/model/state.js';

function traits(group: string): PartnerTraits {
  return {
    group,
    kind: 'peer_supplier',
    knowHow: [0, 0, 0, 0],
    covers: [false, false, false, false],
    sector: 0,
  };
}

describe('Partners.groupOf', () => {
  it('gives each id the group whose ids hold it, skipping empty groups', () => {
    const counts = [0, 3, 0, 0, 1, 2, 0];
    const partners = new Partners(
      counts.map((_, g) => traits(`g${g}`)),
      counts,
    );
    expect(partners.length).toBe(6);
    expect([0, 1, 2, 3, 4, 5].map((id) => partners.groupOf(id))).toEqual([1, 1, 1, 4, 5, 5]);
    expect(partners.at(3)).toEqual({ id: 3, ...traits('g4') });
  });

  it('finds the group among thousands of one-partner groups', () => {
    const counts = Array.from({ length: 5000 }, (_, g) => (g % 3 === 0 ? 0 : 1));
    const partners = new Partners(
      counts.map((_, g) => traits(`g${g}`)),
      counts,
    );
    const nonEmpty = counts.flatMap((c, g) => (c > 0 ? [g] : []));
    expect(nonEmpty.map((_, id) => partners.groupOf(id))).toEqual(nonEmpty);
  });
});
