/**
 * Process 9 — observation of relationship spells: year-on-year retention of ties by type
 * (timeseries.csv) and the rows of relationships.csv. Retention follows the tie-survival
 * measure of customs-data studies of importer–exporter relationships (Monarch 2016: the share
 * of partners an importer keeps from one year to the next), taken per relationship type.
 */
import { NONE } from '../engine/columns.js';
import { eachActiveSupplier } from '../engine/kernel.js';
import type { RelationshipRow } from '../engine/observations.js';
import { noteTypeChange } from './relationships.js';
import type { Relationship, World } from './state.js';

/**
 * Remembers, for the last `lag` observations, which spells were active and of which type, so
 * that each observation can say how many of the spells of a year ago are still running. Holds
 * `lag` lists of the active spells (lag = time.steps_per_year), never more.
 */
export class SpellObserver {
  private readonly lag: number;
  private readonly spells: Relationship[][];
  private readonly types: number[][];
  private readonly groups: readonly string[];
  private byGroup: (number | null)[][] = [];

  /**
   * `lag`: observations per year (time.steps_per_year), >= 1; `groups`: supplier groups whose
   * retention groupRetention reports as well (none by default).
   */
  constructor(lag: number, groups: readonly string[] = []) {
    this.lag = lag;
    this.spells = Array.from({ length: lag }, () => []);
    this.types = Array.from({ length: lag }, () => []);
    this.groups = groups;
  }

  /** Retention by type among group `groups[k]`'s suppliers' spells, as of the last observe. */
  groupRetention(k: number): (number | null)[] {
    return this.byGroup[k];
  }

  /**
   * Observe the world at the end of step world.step (step 0: the initial state; steps must come
   * in order 0, 1, 2, ...). Counts type changes of active spells (see noteTypeChange) and
   * returns the retention by type, in RELATIONSHIP_TYPES order: of the spells active `lag`
   * steps earlier with that type then, the share not ended since (null when there were none,
   * or before step `lag`).
   */
  observe(world: World): (number | null)[] {
    const slot = world.step % this.lag;
    const oldSpells = this.spells[slot];
    const oldTypes = this.types[slot];
    // Counts by type code (its position in RELATIONSHIP_TYPES).
    const before = [0, 0, 0, 0];
    const kept = [0, 0, 0, 0];
    for (let spell = 0; spell < oldSpells.length; spell++) {
      before[oldTypes[spell]]++;
      if (!oldSpells[spell].ended) kept[oldTypes[spell]]++;
    }
    this.byGroup = this.groups.map((g) => {
      const groupBefore = [0, 0, 0, 0];
      const groupKept = [0, 0, 0, 0];
      for (let spell = 0; spell < oldSpells.length; spell++) {
        if (oldSpells[spell].supplier.group !== g) continue;
        groupBefore[oldTypes[spell]]++;
        if (!oldSpells[spell].ended) groupKept[oldTypes[spell]]++;
      }
      return groupBefore.map((n, type) => (n > 0 ? groupKept[type] / n : null));
    });
    this.record(world);
    return before.map((n, type) => (n > 0 ? kept[type] / n : null));
  }

  /**
   * What observe does without measuring retention, for a step whose timeseries rows nobody
   * reads: the type changes must still be counted (relationships.csv's n_type_changes) and
   * the step's spells remembered (the retention of the step a year later). groupRetention is
   * left as of the last observe.
   */
  record(world: World): void {
    const slot = world.step % this.lag;
    // Reuse the slot's arrays for this step's spells.
    const spells = this.spells[slot];
    const types = this.types[slot];
    spells.length = 0;
    types.length = 0;
    const S = world.supplierTable.cols;
    const R = world.relationshipTable.cols;
    const byRow = world.relationships.byRow;
    eachActiveSupplier(world, (s, i) => {
      for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k]) {
        noteTypeChange(R, k);
        spells.push(byRow[k]);
        types.push(R.type[k]); // a type's code is its position in RELATIONSHIP_TYPES
      }
    });
  }
}

/** Retention columns of a timeseries row from retention by type (market, network, quasi_hierarchy, hierarchy). */
export function retentionColumns(retention: readonly (number | null)[]) {
  return {
    retention_market: retention[0],
    retention_network: retention[1],
    retention_quasi_hierarchy: retention[2],
    retention_hierarchy: retention[3],
  };
}

/** A relationships.csv row for a spell (ended, or still active at the last step). */
export function relationshipRow(r: Relationship): RelationshipRow {
  return {
    run_id: null,
    supplier_id: r.supplier.id,
    supplier_group: r.supplier.group,
    buyer_id: r.buyer.id,
    buyer_group: r.buyer.group,
    type_start: r.typeStart,
    type_end: r.type,
    start_step: r.startStep,
    end_step: r.endStep,
    end_cause: r.endCause,
    n_type_changes: r.typeChanges,
    volume: r.totalVolume,
    mean_markup: r.costedVolume > 0 ? r.markupVolume / r.costedVolume : null,
  };
}

/** Spells still active, by supplier id and then in the order each supplier's ties were formed. */
export function activeSpells(world: World): Relationship[] {
  const out: Relationship[] = [];
  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  eachActiveSupplier(world, (s, i) => {
    for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k])
      out.push(world.relationships.byRow[k]);
  });
  return out;
}
