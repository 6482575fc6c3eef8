/**
 * The output contract as checks on a run's three tables (timeseries by group, suppliers at
 * every step, relationship spells), shared by the property test over the registry's ranges
 * (registry-ranges.test.ts) and the CLI runs of extreme scenarios (tests/cli/extremes.test.ts),
 * which read the same tables back from the CSV files.
 */
import {
  GROUP_ALL,
  RELATIONSHIP_COLUMNS,
  SUPPLIER_COLUMNS,
  TIMESERIES_COLUMNS,
  type ColumnSpec,
  type RelationshipRow,
  type SupplierRow,
  type TimeseriesRow,
} from '../../src/engine/observations.js';
import { RELATIONSHIP_END_CAUSES } from '../../src/model/state.js';
import { RELATIONSHIP_TYPES } from '../../src/scenario/parameters.js';
import type { Scenario } from '../../src/scenario/types.js';

/** A run's outputs: the tables of `simulateToMemory` with every step's supplier rows and `byGroup`. */
export interface RunTables {
  scenario: Scenario;
  timeseries: TimeseriesRow[];
  suppliers: SupplierRow[];
  relationships: RelationshipRow[];
}

/** A plain assertion: the checks run some hundred thousand times, too often for expect(). */
export function check(ok: boolean, msg: () => string): void {
  if (!ok) throw new Error(msg());
}
/** Relative closeness; the tolerance is set per run (CSV cells carry 6 significant digits). */
let tolerance = 1e-9;
const near = (a: number, b: number) => Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));

/**
 * Columns the contract lets be empty, and when: a mean over an empty set (ODD §4.11), a flow of
 * a supplier that is inactive or had no sales or revenue, an event that has not happened.
 * Any other numeric cell must be a finite number.
 */
const ALWAYS_SET = ['step', 'n_suppliers', 'price_pressure', 'cost_level', 'exchange_rate'];
export const MAY_BE_EMPTY = new Set([
  // timeseries.csv: every mean and share, each over a set that can be empty.
  ...TIMESERIES_COLUMNS.map((c) => c.name).filter(
    (name) => !ALWAYS_SET.includes(name) && !name.startsWith('cumulative_'),
  ),
  'oem_share',
  'odm_share',
  'obm_share',
  'top_buyer_share',
  'buyer_hhi',
  'main_buyer_governance',
  'domestic_share',
  'own_brand_share',
  'margin',
  'exit_step',
  'exit_cause',
  'step_odm',
  'step_obm',
  'end_step',
  'end_cause',
  'mean_markup',
  'run_id',
]);

/** Every cell: typed as its column says, finite, whole where an integer, inside its domain. */
export function checkCells(
  table: string,
  rows: readonly object[],
  columns: readonly ColumnSpec[],
): void {
  for (const row of rows) {
    const r = row as Record<string, unknown>;
    for (const c of columns) {
      const v = r[c.name];
      const at = () => `${table}.${c.name} = ${String(v)} (row ${JSON.stringify(r)})`;
      if (v === null) {
        check(MAY_BE_EMPTY.has(c.name), at);
        continue;
      }
      if (c.type === 'string') check(typeof v === 'string' && v.length > 0, at);
      else if (c.type === 'boolean') check(typeof v === 'boolean', at);
      else {
        check(typeof v === 'number' && Number.isFinite(v), at);
        if (c.type === 'integer') check(Number.isInteger(v), at);
        if (c.domain) check((v as number) >= c.domain[0] && (v as number) <= c.domain[1], at);
      }
    }
  }
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
function sameMean(got: number | null, xs: number[], what: () => string): void {
  const want = mean(xs);
  check(
    want === null ? got === null : got !== null && near(got, want),
    () => `${what()}: ${got} against ${want} from suppliers.csv`,
  );
}

/** The spells open at the observation of step t: formed by then, not ended by then. */
const openAt = (r: RelationshipRow, t: number) =>
  r.start_step! <= t && (r.end_step === null || r.end_step > t);

/** The three tables agree with one another and with the model's bookkeeping. */
export function checkTables(o: RunTables, tol = 1e-9): void {
  tolerance = tol;
  const { scenario, timeseries, suppliers, relationships } = o;
  const T = scenario.time.steps;
  const spy = scenario.time.steps_per_year;
  const groups = Object.keys(scenario.suppliers);
  checkCells('timeseries', timeseries, TIMESERIES_COLUMNS);
  checkCells('suppliers', suppliers, SUPPLIER_COLUMNS);
  checkCells('relationships', relationships, RELATIONSHIP_COLUMNS);

  const all = timeseries.filter((r) => r.group === GROUP_ALL);
  check(all.length === T + 1, () => `${all.length} timeseries rows for ${T} steps`);
  check(
    timeseries.length === (T + 1) * (1 + groups.length),
    () => `${timeseries.length} timeseries rows by group`,
  );
  const rowsAt = new Map<number, SupplierRow[]>();
  for (const s of suppliers) {
    const list = rowsAt.get(s.step!) ?? [];
    list.push(s);
    rowsAt.set(s.step!, list);
  }
  const n0 = Object.values(scenario.suppliers).reduce((a, g) => a + g.count, 0);
  const exitStep = new Map<number, number | null>();
  const groupOf = new Map<number, string>();
  for (const s of suppliers) {
    exitStep.set(s.supplier_id!, s.exit_step);
    groupOf.set(s.supplier_id!, s.group!);
  }

  // Spells: well formed, one open spell per pair at a time, closed by the supplier's exit.
  const nBuyers = Object.values(scenario.buyers).reduce((a, b) => a + b.count, 0);
  for (const r of relationships) {
    const at = (what: string) => () => `spell ${JSON.stringify(r)}: ${what}`;
    check((r.end_step === null) === (r.end_cause === null), at('end step without cause'));
    check(r.start_step! >= 0 && r.start_step! <= T, at('start outside the run'));
    if (r.end_step !== null) {
      check(r.end_step >= r.start_step! && r.end_step <= T, at('ends outside the run'));
      check(
        (RELATIONSHIP_END_CAUSES as readonly string[]).includes(r.end_cause!),
        at('unknown end cause'),
      );
    }
    check(r.buyer_id! >= 0 && r.buyer_id! < nBuyers, at('unknown buyer'));
    check(groupOf.get(r.supplier_id!) === r.supplier_group, at('supplier group differs'));
    check(
      r.type_start === r.type_end || r.n_type_changes! >= 1,
      at('type changed without a change counted'),
    );
    check(r.volume! >= 0, at('negative volume'));
    if (r.volume === 0) check(r.mean_markup === null, at('a markup without deliveries'));
    const exit = exitStep.get(r.supplier_id!) ?? null;
    if (exit !== null)
      check(r.end_step !== null && r.end_step <= exit, at('outlives its supplier'));
    if (r.end_cause === 'supplier_exit') check(r.end_step === exit, at('exit step differs'));
  }
  const spellsOf = new Map<number, RelationshipRow[]>();
  for (const r of relationships) {
    const list = spellsOf.get(r.supplier_id!) ?? [];
    list.push(r);
    spellsOf.set(r.supplier_id!, list);
  }
  const pairs = new Map<string, RelationshipRow[]>();
  for (const r of relationships) {
    const key = `${r.supplier_id}/${r.buyer_id}`;
    for (const q of pairs.get(key) ?? [])
      check(
        (q.end_step ?? Infinity) <= r.start_step! || (r.end_step ?? Infinity) <= q.start_step!,
        () => `overlapping spells of one pair: ${JSON.stringify(q)} and ${JSON.stringify(r)}`,
      );
    pairs.set(key, [...(pairs.get(key) ?? []), r]);
  }

  let before: TimeseriesRow | undefined;
  for (const ts of all) {
    const t = ts.step!;
    const at = (what: string) => () => `step ${t}: ${what}`;
    const rows = rowsAt.get(t) ?? [];
    const active = rows.filter((s) => s.active);
    const withSales = active.filter((s) => s.oem_share !== null);

    // Suppliers: every one ever created has a row; active exactly when it has not exited.
    check(rows.length === n0 + ts.cumulative_entries!, at(`${rows.length} supplier rows`));
    check(active.length === ts.n_suppliers, at(`${active.length} active rows`));
    check(rows.length - active.length === ts.cumulative_exits, at('exits differ'));
    for (const s of rows) {
      const sAt = (what: string) => () => `step ${t}, supplier ${s.supplier_id}: ${what}`;
      check((s.exit_step === null) === s.active, sAt('active with an exit step'));
      check((s.exit_cause === null) === s.active, sAt('active with an exit cause'));
      for (const k of ['exit_step', 'step_odm', 'step_obm'] as const)
        check(s[k] === null || (s[k] >= 1 && s[k] <= t), sAt(`${k} = ${s[k]}`));
      if (s.role === 'ODM') check(s.step_odm !== null, sAt('ODM without a first ODM step'));
      if (s.role === 'OBM') check(s.step_obm !== null, sAt('OBM without a first OBM step'));
      check(s.n_sectors! >= 1, sAt('in no sector'));
      // Profit is revenue less costs that are not negative (and a tax on profit only).
      if (s.margin !== null) check(s.margin <= 1 + tolerance, sAt(`margin ${s.margin}`));
      if (s.active) check(s.size! > 0, sAt(`capacity ${s.size}`));
      const flows = [s.oem_share, s.odm_share, s.obm_share, s.own_brand_share];
      check(
        flows.every((x) => x === null) || flows.every((x) => x !== null),
        sAt('some work shares empty, not all'),
      );
      if (s.oem_share !== null) {
        check(near(s.oem_share + s.odm_share! + s.obm_share!, 1), sAt('work shares sum'));
        // A role is work of its kind (ODD §7.10): the roles' conditions are the work's plus a
        // material share, so an OBM does OBM work and an ODM designs some of what it sells.
        if (s.role === 'OBM') check(s.obm_share! > 0, sAt('OBM without own-brand sales'));
        if (s.role === 'ODM') check(s.odm_share! + s.obm_share! > 0, sAt('ODM without ODM work'));
      } else check(s.role === 'OEM' || !s.active, sAt(`${s.role} without sales`));
      if (!s.active) {
        check(s.n_buyers === 0, sAt('inactive with buyers'));
        check(s.network_degree === 0, sAt('inactive with network ties'));
        check(s.oem_share === null && s.margin === null, sAt('inactive with flows'));
      }
      check((s.main_buyer_governance === null) === (s.n_buyers === 0), sAt('main buyer'));
      if (s.top_buyer_share !== null && s.domestic_share !== null)
        check(s.top_buyer_share + s.domestic_share <= 1 + tolerance, sAt('top + domestic > 1'));
      if (s.top_buyer_share !== null)
        check(s.buyer_hhi! >= s.top_buyer_share ** 2 - tolerance, sAt('HHI below top share²'));
      const open = (spellsOf.get(s.supplier_id!) ?? []).filter((r) => openAt(r, t));
      check(open.length === s.n_buyers, sAt(`${s.n_buyers} buyers, ${open.length} open spells`));
    }

    // Timeseries means are the means of the supplier rows.
    const n = active.length;
    sameMean(
      ts.mean_process,
      active.map((s) => s.process!),
      at('mean_process'),
    );
    sameMean(
      ts.mean_product,
      active.map((s) => s.product!),
      at('mean_product'),
    );
    sameMean(
      ts.mean_design,
      active.map((s) => s.design!),
      at('mean_design'),
    );
    sameMean(
      ts.mean_marketing,
      active.map((s) => s.marketing!),
      at('mean_marketing'),
    );
    sameMean(
      ts.mean_network_degree,
      active.map((s) => s.network_degree!),
      at('degree'),
    );
    for (const [role, col] of [
      ['OEM', 'share_oem'],
      ['ODM', 'share_odm'],
      ['OBM', 'share_obm'],
    ] as const)
      sameMean(
        ts[col],
        active.map((s) => (s.role === role ? 1 : 0)),
        at(col),
      );
    for (const [work, col] of [
      ['oem_share', 'share_doing_oem'],
      ['odm_share', 'share_doing_odm'],
      ['obm_share', 'share_doing_obm'],
    ] as const)
      sameMean(
        ts[col],
        active.map((s) => (s[work]! > 0 ? 1 : 0)),
        at(col),
      );
    sameMean(
      ts.mean_top_buyer_share,
      withSales.map((s) => s.top_buyer_share!),
      at('top share'),
    );
    sameMean(
      ts.mean_buyer_hhi,
      withSales.map((s) => s.buyer_hhi!),
      at('hhi'),
    );
    sameMean(
      ts.mean_domestic_share,
      withSales.map((s) => s.domestic_share!),
      at('domestic'),
    );
    if (n > 0) check(near(ts.share_oem! + ts.share_odm! + ts.share_obm!, 1), at('role shares'));

    // Relationship counts: suppliers.csv's n_buyers, relationships.csv's open spells and the
    // type shares of timeseries.csv describe the same ties.
    const open = relationships.filter((r) => openAt(r, t));
    const nRel = active.reduce((a, s) => a + s.n_buyers!, 0);
    check(open.length === nRel, at(`${nRel} ties in suppliers.csv, ${open.length} open spells`));
    const relShares = RELATIONSHIP_TYPES.map((type) => ts[`share_rel_${type}`]);
    if (nRel === 0)
      check(
        relShares.every((x) => x === null),
        at('type shares without ties'),
      );
    else {
      check(
        relShares.every((x) => x !== null),
        at('type shares empty with ties'),
      );
      check(
        near(
          relShares.reduce((a: number, x) => a + x!, 0),
          1,
        ),
        at('type shares sum'),
      );
      for (const x of relShares) check(near(x! * nRel, Math.round(x! * nRel)), at('type share'));
    }
    if (t === T)
      RELATIONSHIP_TYPES.forEach((type, k) => {
        const count = open.filter((r) => r.type_end === type).length;
        check(
          nRel === 0 || near(relShares[k]! * nRel, count),
          at(`${count} open ${type} spells against share ${relShares[k]} of ${nRel}`),
        );
      });

    // Retention compares with the ties of a year earlier: none in the first year.
    if (t < spy)
      for (const type of RELATIONSHIP_TYPES)
        check(ts[`retention_${type}`] === null, at(`retention_${type} in the first year`));
    if (t === 0)
      for (const k of ['mean_margin', 'mean_investment', 'mean_design_investment'] as const)
        check(ts[k] === null, at(`${k} at step 0`));

    // The environment: pressure within its ceiling, positive cost and exchange-rate levels.
    const pp = scenario.environment.price_pressure;
    check(
      ts.price_pressure! >= 0 && ts.price_pressure! <= pp.max + tolerance,
      at(`price_pressure ${ts.price_pressure}`),
    );
    check(ts.cost_level! > 0 && ts.exchange_rate! > 0, at('cost or exchange-rate level'));
    // Every supplier that ever qualified as ODM or OBM raised its highest role at least once.
    const everUpgraded = rows.filter((s) => s.step_odm !== null || s.step_obm !== null).length;
    check(
      ts.cumulative_functional_upgrades! >= everUpgraded,
      at(`${ts.cumulative_functional_upgrades} upgrades for ${everUpgraded} upgraded suppliers`),
    );

    // Counters only grow; group rows add up to the whole population's.
    if (before)
      for (const k of [
        'cumulative_exits',
        'cumulative_entries',
        'cumulative_functional_upgrades',
        'cumulative_chain_upgrades',
        'cumulative_sanctions',
      ] as const)
        check(ts[k]! >= before[k]!, at(`${k} fell`));
    before = ts;
    const byGroup = timeseries.filter((r) => r.step === t && r.group !== GROUP_ALL);
    check(byGroup.map((r) => r.group).join() === groups.join(), at('group rows'));
    for (const k of ['n_suppliers', 'cumulative_exits', 'cumulative_entries'] as const)
      check(byGroup.reduce((a, r) => a + r[k]!, 0) === ts[k], at(`${k} by group`));
  }
}
