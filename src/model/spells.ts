/**
 * Process 9 — observation of relationship spells: year-on-year retention of ties by type
 * (timeseries.csv) and the rows of relationships.csv. Retention follows the tie-survival
 * measure of customs-data studies of importer–exporter relationships (Monarch 2016: the share
 * of partners an importer keeps from one year to the next), taken per relationship type.
 */
import { NONE, ReorderScratch, type RelIx } from '../engine/columns.js';
import { eachActiveRow } from '../engine/kernel.js';
import type { RelationshipRow } from '../engine/observations.js';
import { RELATIONSHIP_TYPES } from '../scenario/parameters.js';
import { noteTypeChange } from './relationships.js';
import { endCauseOf, endStepOf, type World } from './state.js';

/**
 * Remembers, for the last `lag` observations, how many spells were active by type (and by
 * supplier group), and the type each active spell had then, so that each observation can say
 * how many of the spells of a year ago are still running.
 *
 * A spell is an unbroken interval of steps, so the spells of `lag` steps ago that are still
 * running are exactly the active spells that began at or before that step: the observer
 * counts them among the active spells, by the type they had then. It keeps no list of spells:
 * for each relationship row, the type at each of the last `lag` observations (one byte each),
 * and for each of those observations the counts by type. A row given back and reused holds a
 * later spell, which began after every observation its earlier spell's entries were written
 * at, so those entries are overwritten before they are read for it.
 */
export class SpellObserver {
  private readonly lag: number;
  private readonly groups: readonly string[];
  /** Type code of the spell in relationship row k at the observation of step t: [k * lag + t % lag]. */
  private history = new Uint8Array(0);
  /** Active spells by type code at the observation of step t: [t % lag][type]. */
  private readonly before: number[][];
  /** The same by group (position in `groups`): [t % lag][group][type]. */
  private readonly beforeByGroup: number[][][];
  /** The step whose observation each slot holds (-1 before the first). */
  private readonly recordedAt: number[];
  private byGroup: (number | null)[][] = [];

  /**
   * `lag`: observations per year (time.steps_per_year), >= 1; `groups`: supplier groups whose
   * retention groupRetention reports as well (none by default).
   */
  constructor(lag: number, groups: readonly string[] = []) {
    this.lag = lag;
    this.groups = groups;
    this.before = Array.from({ length: lag }, () => [0, 0, 0, 0]);
    this.beforeByGroup = Array.from({ length: lag }, () => groups.map(() => [0, 0, 0, 0]));
    this.recordedAt = new Array<number>(lag).fill(-1);
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
    const then = world.step - this.lag;
    const counted = then >= 0 && this.recordedAt[slot] === then;
    const kept = [0, 0, 0, 0];
    const groupKept = this.groups.map(() => [0, 0, 0, 0]);
    const counts = this.walk(world, counted ? { then, kept, groupKept } : null);
    const share = (before: number[], still: number[]) =>
      before.map((n, type) => (counted && n > 0 ? still[type] / n : null));
    this.byGroup = this.groups.map((_, g) => share(this.beforeByGroup[slot][g], groupKept[g]));
    const retention = share(this.before[slot], kept);
    this.store(slot, world.step, counts);
    return retention;
  }

  /**
   * What observe does without measuring retention, for a step whose timeseries rows nobody
   * reads: the type changes must still be counted (relationships.csv's n_type_changes) and
   * the step's counts by type and each spell's type kept (the retention of the step a year
   * later). groupRetention is left as of the last observe.
   */
  record(world: World): void {
    this.store(world.step % this.lag, world.step, this.walk(world, null));
  }

  /**
   * One pass over the active spells: counts, into `count`, those that began at or before step
   * `count.then` by the type they had then (read before this step's type is written over it),
   * notes type changes, writes each spell's type, and returns this observation's counts by
   * type, overall and by group.
   */
  private walk(
    world: World,
    count: { then: number; kept: number[]; groupKept: number[][] } | null,
  ): { all: number[]; byGroup: number[][] } {
    const lag = this.lag;
    const slot = world.step % lag;
    const R = world.relationshipTable.cols;
    const S = world.supplierTable.cols;
    const need = world.relationshipTable.capacity * lag;
    if (this.history.length < need) {
      const grown = new Uint8Array(need);
      grown.set(this.history);
      this.history = grown;
    }
    const history = this.history;
    // A supplier group's position in `groups` (-1: not reported), by group code.
    const groupOf = world.supplierGroups.map((g) => this.groups.indexOf(g.name));
    const byGroup = this.groups.length > 0;
    const next = [0, 0, 0, 0];
    const nextByGroup = this.groups.map(() => [0, 0, 0, 0]);
    eachActiveRow(world, (i) => {
      const g = byGroup ? groupOf[S.groupCode[i]] : -1;
      for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k]) {
        const at = k * lag + slot;
        if (count !== null && R.startStep[k] <= count.then) {
          count.kept[history[at]]++;
          if (g >= 0) count.groupKept[g][history[at]]++;
        }
        noteTypeChange(R, k);
        history[at] = R.type[k]; // a type's code is its position in RELATIONSHIP_TYPES
        next[R.type[k]]++;
        if (g >= 0) nextByGroup[g][R.type[k]]++;
      }
    });
    return { all: next, byGroup: nextByGroup };
  }

  /**
   * After the relationship table was renumbered (engine/compact.ts): `order[j]` is the old row
   * now at row j. Moves each row's types with it, through `scratch` (compaction's, which the
   * engine passes: engine/compact.ts compactionScratch; without one, a new one for this call).
   * The rows past the live ones keep stale types (as the second buffer this used did), which
   * no walk reads: a spell's types are read only for observations since it began, and those
   * were written into its row after the compaction or moved here with it.
   */
  reorder(order: Int32Array, scratch: ReorderScratch = new ReorderScratch()): void {
    const lag = this.lag;
    const from = this.history;
    const n = order.length * lag;
    // A second buffer the size of the history cost ~8 bytes per supplier, kept; compaction's
    // scratch is larger than the live rows' types already (docs/performance.md, session 13).
    const to = new Uint8Array(scratch.atLeast(n), 0, n);
    for (let j = 0; j < order.length; j++) {
      const at = order[j] * lag;
      for (let c = 0; c < lag; c++) to[j * lag + c] = from[at + c];
    }
    from.set(to);
  }

  /** Keep a walk's counts as those of step `step`'s observation (after observe has read the slot's). */
  private store(slot: number, step: number, counts: { all: number[]; byGroup: number[][] }): void {
    this.before[slot] = counts.all;
    this.beforeByGroup[slot] = counts.byGroup;
    this.recordedAt[slot] = step;
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

/**
 * A relationships.csv row for the spell in row `k` of world.relationshipTable (ended, or still
 * active at the last step).
 */
export function relationshipRow(world: World, k: number): RelationshipRow {
  const R = world.relationshipTable.cols;
  const supplier = R.supplier[k];
  const buyer = world.buyers[R.buyer[k]];
  return {
    run_id: null,
    supplier_id: supplier,
    supplier_group: world.supplierGroups[world.supplierTable.cols.groupCode[supplier]].name,
    buyer_id: buyer.id,
    buyer_group: buyer.group,
    type_start: RELATIONSHIP_TYPES[R.typeStart[k]],
    type_end: RELATIONSHIP_TYPES[R.type[k]],
    start_step: R.startStep[k],
    end_step: endStepOf(R, k),
    end_cause: endCauseOf(R, k),
    n_type_changes: R.typeChanges[k],
    volume: R.totalVolume[k],
    mean_markup: R.costedVolume[k] > 0 ? R.markupVolume[k] / R.costedVolume[k] : null,
  };
}

/**
 * Rows of the spells still active, by supplier id and then in the order each supplier's ties
 * were formed.
 */
export function activeSpells(world: World): RelIx[] {
  const out: RelIx[] = [];
  const S = world.supplierTable.cols;
  const R = world.relationshipTable.cols;
  eachActiveRow(world, (i) => {
    for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k]) out.push(k as RelIx);
  });
  return out;
}
