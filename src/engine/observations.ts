/**
 * The output contract (docs/ODD.md §4.11): the columns of timeseries.csv and suppliers.csv,
 * each with its type, unit and meaning. Writers take their headers from here and the
 * codebook is generated from here, so a column cannot be written without being documented.
 */

import { RELATIONSHIP_END_CAUSES } from '../model/state.js';

export type ColumnType = 'integer' | 'number' | 'string' | 'boolean';

export interface ColumnSpec<K extends string = string, T extends ColumnType = ColumnType> {
  name: K;
  type: T;
  unit: string;
  description: string;
  /**
   * Numbers written in the shortest decimal that reads back as the same double (JS
   * `String(x)`, exponent form outside [1e-7, 1e21)) instead of 6 significant digits: for
   * values that must round-trip exactly, such as a sweep's factor values, which a user
   * passes back to `gvc run --set` to rerun a row.
   */
  exact?: boolean;
  /**
   * The values the column can take, [lower, upper] (either may be infinite), when the
   * definition bounds them: shares and capability indices in [0, 1], counts at least 0.
   * Confidence intervals of the column's mean stay inside it (summary.csv, gvc validate).
   */
  domain?: readonly [number, number];
}

/** Domain of shares and capability indices. */
const UNIT_INTERVAL = [0, 1] as const;
/** Domain of counts and other non-negative quantities. */
const NON_NEGATIVE = [0, Infinity] as const;

function col<K extends string, T extends ColumnType>(
  name: K,
  type: T,
  unit: string,
  description: string,
  domain?: readonly [number, number],
): ColumnSpec<K, T> {
  return domain ? { name, type, unit, description, domain } : { name, type, unit, description };
}

export const TIMESERIES_COLUMNS = [
  col(
    'run_id',
    'integer',
    '',
    'Run identifier (1 for a single run; the sweep run number in sweeps).',
  ),
  col('step', 'integer', 'step', 'Step number; 0 is the initial state before any process runs.'),
  col('n_suppliers', 'integer', 'firms', 'Active suppliers.', NON_NEGATIVE),
  col(
    'share_oem',
    'number',
    'share',
    'Share of active suppliers whose current role is OEM.',
    UNIT_INTERVAL,
  ),
  col(
    'share_odm',
    'number',
    'share',
    'Share of active suppliers whose current role is ODM.',
    UNIT_INTERVAL,
  ),
  col(
    'share_obm',
    'number',
    'share',
    'Share of active suppliers whose current role is OBM.',
    UNIT_INTERVAL,
  ),
  col(
    'share_doing_oem',
    'number',
    'share',
    "Share of active suppliers doing any OEM work this step (oem_share > 0 in suppliers.csv: production to a lead firm's design, or without design capability of its own); roles overlap, so the three share_doing columns can sum to more than 1.",
    UNIT_INTERVAL,
  ),
  col(
    'share_doing_odm',
    'number',
    'share',
    'Share of active suppliers doing any ODM work this step (odm_share > 0: selling products of their own design, with design capability of at least model.roles.odm_design).',
    UNIT_INTERVAL,
  ),
  col(
    'share_doing_obm',
    'number',
    'share',
    'Share of active suppliers doing any OBM work this step (obm_share > 0: selling under their own brand, with design of at least model.roles.obm_design and not a hierarchy affiliate).',
    UNIT_INTERVAL,
  ),
  col(
    'mean_process',
    'number',
    'index [0,1]',
    'Mean process capability of active suppliers.',
    UNIT_INTERVAL,
  ),
  col(
    'mean_product',
    'number',
    'index [0,1]',
    'Mean product capability of active suppliers.',
    UNIT_INTERVAL,
  ),
  col(
    'mean_design',
    'number',
    'index [0,1]',
    'Mean design capability of active suppliers.',
    UNIT_INTERVAL,
  ),
  col(
    'mean_marketing',
    'number',
    'index [0,1]',
    'Mean marketing (incl. branding) capability of active suppliers.',
    UNIT_INTERVAL,
  ),
  col(
    'mean_top_buyer_share',
    'number',
    'share of sales',
    'Mean share of sales going to the largest lead-firm customer, over active suppliers with sales.',
    UNIT_INTERVAL,
  ),
  col(
    'mean_buyer_hhi',
    'number',
    'index [0,1]',
    'Mean Herfindahl concentration of sales over buyers and the domestic channel.',
    UNIT_INTERVAL,
  ),
  col(
    'lockin_rate',
    'number',
    'share',
    'Among active suppliers that have produced for a lead firm for at least model.lockin.min_tenure_years, the share with process and product above model.lockin.production_threshold that are still OEM.',
    UNIT_INTERVAL,
  ),
  col(
    'share_rel_market',
    'number',
    'share',
    'Share of active supplier-buyer relationships of market type.',
    UNIT_INTERVAL,
  ),
  col(
    'share_rel_network',
    'number',
    'share',
    'Share of active supplier-buyer relationships of network (relational) type.',
    UNIT_INTERVAL,
  ),
  col(
    'share_rel_quasi_hierarchy',
    'number',
    'share',
    'Share of active supplier-buyer relationships of quasi-hierarchy (captive) type.',
    UNIT_INTERVAL,
  ),
  col(
    'share_rel_hierarchy',
    'number',
    'share',
    'Share of active supplier-buyer relationships of hierarchy type.',
    UNIT_INTERVAL,
  ),
  col(
    'retention_market',
    'number',
    'share',
    "Year-on-year retention of market-type (arm's-length) ties: of the supplier-lead-firm relationship spells that were active and of market type one year earlier (time.steps_per_year steps before this one), the share still active in the same spell now, whatever their type now (a tie ended and formed again is a new spell). Empty when there were none, and in the first year.",
    UNIT_INTERVAL,
  ),
  col(
    'retention_network',
    'number',
    'share',
    'Year-on-year retention of network-type (relational) ties: of the supplier-lead-firm relationship spells that were active and of network type one year earlier (time.steps_per_year steps before this one), the share still active in the same spell now, whatever their type now (a tie ended and formed again is a new spell). Empty when there were none, and in the first year.',
    UNIT_INTERVAL,
  ),
  col(
    'retention_quasi_hierarchy',
    'number',
    'share',
    'Year-on-year retention of quasi-hierarchy (captive) ties: of the supplier-lead-firm relationship spells that were active and of quasi_hierarchy type one year earlier (time.steps_per_year steps before this one), the share still active in the same spell now, whatever their type now (a tie ended and formed again is a new spell). Empty when there were none, and in the first year.',
    UNIT_INTERVAL,
  ),
  col(
    'retention_hierarchy',
    'number',
    'share',
    'Year-on-year retention of hierarchy-type ties: of the supplier-lead-firm relationship spells that were active and of hierarchy type one year earlier (time.steps_per_year steps before this one), the share still active in the same spell now, whatever their type now (a tie ended and formed again is a new spell). Empty when there were none, and in the first year.',
    UNIT_INTERVAL,
  ),
  col(
    'relational_markup_premium',
    'number',
    'markup points',
    'Within-supplier relational markup premium this step: over active suppliers selling to at least one network-type and one market-type lead firm, the mean of (volume-weighted mean markup on network ties - that on market ties), markup = price / variable unit cost - 1 (the contrast of Cajal-Grossi, Macchiavello & Noguera 2023). Empty when no supplier sells to both types.',
  ),
  col(
    'mean_margin',
    'number',
    'share of revenue',
    'Mean profit margin (profit / revenue) this step over the suppliers that had revenue in it: those active at its start, including any that exited at its end (process 8c), not its entrants.',
  ),
  col(
    'mean_investment',
    'number',
    'money/capacity/quarter',
    'Mean capability investment this step, as a rate per quarter, per unit of capacity at the end of the step (after its capacity growth), over the suppliers that made the investment decision in it: those active at its start, including any that exited at its end (process 8c), not its entrants (empty at step 0).',
    NON_NEGATIVE,
  ),
  col(
    'mean_design_investment',
    'number',
    'money/capacity/quarter',
    'Mean investment in design this step, as a rate per quarter, per unit of capacity at the end of the step, over the same suppliers as mean_investment.',
    NON_NEGATIVE,
  ),
  col(
    'mean_domestic_share',
    'number',
    'share of sales',
    'Mean share of sales through the domestic/regional channel (incl. extra sectors).',
    UNIT_INTERVAL,
  ),
  col(
    'price_pressure',
    'number',
    'share of price',
    'Price pressure from low-cost entrants this step.',
  ),
  col(
    'cost_level',
    'number',
    'ratio',
    'Variable unit costs (wages, materials) relative to the first step.',
  ),
  col(
    'exchange_rate',
    'number',
    'ratio',
    'Exchange-rate multiplier applied to export revenue this step.',
  ),
  col(
    'cumulative_exits',
    'integer',
    'firms',
    'Suppliers that have exited since the start.',
    NON_NEGATIVE,
  ),
  col(
    'cumulative_entries',
    'integer',
    'firms',
    'Suppliers that have entered since the start.',
    NON_NEGATIVE,
  ),
  col(
    'cumulative_functional_upgrades',
    'integer',
    'events',
    'Functional upgrades since the start: a supplier counts one each time its role rises above the highest role it has ever held (first becoming ODM, first becoming OBM; OEM straight to OBM counts once), so each supplier counts at most 2, and a return to a role it held before a fall is not counted again.',
    NON_NEGATIVE,
  ),
  col(
    'cumulative_chain_upgrades',
    'integer',
    'events',
    'Sector entries (chain upgrading) since the start.',
    NON_NEGATIVE,
  ),
  col(
    'cumulative_sanctions',
    'integer',
    'events',
    'Order cuts and drops by guarding buyers since the start.',
    NON_NEGATIVE,
  ),
  col(
    'mean_network_degree',
    'number',
    'ties',
    'Mean number of strategic network ties of active suppliers.',
    NON_NEGATIVE,
  ),
] as const;

export const SUPPLIER_COLUMNS = [
  col(
    'run_id',
    'integer',
    '',
    'Run identifier (1 for a single run; the sweep run number in sweeps).',
  ),
  col('step', 'integer', 'step', 'Step at which the row was observed.'),
  col(
    'supplier_id',
    'integer',
    '',
    'Supplier identifier (stable within a run; entrants get new ids).',
  ),
  col('group', 'string', '', 'Supplier group the firm belongs to (scenario key under suppliers).'),
  col('role', 'string', 'OEM|ODM|OBM', 'Highest role held at this step.'),
  col(
    'oem_share',
    'number',
    'share of sales',
    "Share of this step's sales that is OEM work: made to a lead firm's design (quasi-hierarchy and hierarchy ties), or sold without design capability of the supplier's own (design below model.roles.odm_design). oem_share + odm_share + obm_share = 1; empty if inactive or no sales.",
    UNIT_INTERVAL,
  ),
  col(
    'odm_share',
    'number',
    'share of sales',
    "Share of this step's sales that is ODM work: sold with the supplier's own design (to market and network buyers, in its own channels) but not under its own brand, when its design capability is at least model.roles.odm_design; empty if inactive or no sales.",
    UNIT_INTERVAL,
  ),
  col(
    'obm_share',
    'number',
    'share of sales',
    "Share of this step's sales that is OBM work: sold under the supplier's own brand, when its design is at least model.roles.obm_design and it is not a hierarchy affiliate (half its sales to one hierarchy buyer); empty if inactive or no sales.",
    UNIT_INTERVAL,
  ),
  col('process', 'number', 'index [0,1]', 'Process capability.', UNIT_INTERVAL),
  col('product', 'number', 'index [0,1]', 'Product capability.', UNIT_INTERVAL),
  col('design', 'number', 'index [0,1]', 'Design capability.', UNIT_INTERVAL),
  col(
    'marketing',
    'number',
    'index [0,1]',
    'Marketing (incl. branding) capability.',
    UNIT_INTERVAL,
  ),
  col(
    'partner_marketing',
    'number',
    'index [0,1]',
    'Marketing a strategic partner performs for the supplier (e.g. a sales agent): best partner know-how x trust; 0 if none.',
    UNIT_INTERVAL,
  ),
  col(
    'absorptive_capacity',
    'number',
    'index [0,1]',
    'Absorptive capacity (from the R&D stock).',
    UNIT_INTERVAL,
  ),
  col(
    'n_buyers',
    'integer',
    'buyers',
    'Lead firms the supplier has a relationship with at the end of the step (a tie ended during the step is not counted, though its sales are in top_buyer_share).',
    NON_NEGATIVE,
  ),
  col(
    'top_buyer_share',
    'number',
    'share of sales',
    "Share of the step's sales going to the largest lead-firm customer (a tie ended during the step included).",
    UNIT_INTERVAL,
  ),
  col(
    'buyer_hhi',
    'number',
    'index [0,1]',
    'Herfindahl concentration of sales over buyers and the domestic channel.',
    UNIT_INTERVAL,
  ),
  col(
    'main_buyer_governance',
    'string',
    '',
    "Type, at the end of the step, of the relationship with the largest share of the step's sales among those still held (empty if none).",
  ),
  col(
    'domestic_share',
    'number',
    'share of sales',
    'Share of sales through the domestic/regional channel (incl. extra sectors).',
    UNIT_INTERVAL,
  ),
  col(
    'own_brand_share',
    'number',
    'share of sales',
    "Share of sales under the supplier's own brand.",
    UNIT_INTERVAL,
  ),
  col('margin', 'number', 'share of revenue', 'Profit margin this step (empty if no revenue).'),
  col('cash', 'number', 'money', 'Cash holdings.'),
  col(
    'size',
    'number',
    'units/quarter',
    'Production capacity (a rate per quarter at any step length).',
    NON_NEGATIVE,
  ),
  col('network_degree', 'integer', 'ties', 'Strategic network ties.', NON_NEGATIVE),
  col(
    'n_sectors',
    'integer',
    'sectors',
    'Sectors the supplier operates in (1 = home sector only).',
    NON_NEGATIVE,
  ),
  col('active', 'boolean', '', 'Whether the supplier is still in business.'),
  col('exit_step', 'integer', 'step', 'Step at which the supplier exited (empty while active).'),
  col(
    'exit_cause',
    'string',
    'losses|cash',
    'Why the supplier exited: losses (loss-making steps in a row for model.exit.loss_steps quarters) or cash (cash below model.exit.cash_floor x capacity); empty while active.',
  ),
  col(
    'step_odm',
    'integer',
    'step',
    'Step at which the supplier first became ODM (empty if never).',
  ),
  col(
    'step_obm',
    'integer',
    'step',
    'Step at which the supplier first became OBM (empty if never).',
  ),
  col(
    'initial_process',
    'number',
    'index [0,1]',
    'Process capability when the supplier was created (step 0, or its entry step for entrants).',
    UNIT_INTERVAL,
  ),
  col(
    'initial_product',
    'number',
    'index [0,1]',
    'Product capability when the supplier was created.',
    UNIT_INTERVAL,
  ),
  col(
    'initial_design',
    'number',
    'index [0,1]',
    'Design capability when the supplier was created.',
    UNIT_INTERVAL,
  ),
  col(
    'initial_marketing',
    'number',
    'index [0,1]',
    'Marketing capability when the supplier was created.',
    UNIT_INTERVAL,
  ),
  col(
    'initial_size',
    'number',
    'units/quarter',
    'Production capacity when the supplier was created (a rate per quarter).',
    NON_NEGATIVE,
  ),
] as const;

/**
 * relationships.csv: one row per supplier-lead-firm relationship spell (a spell runs from the
 * step a tie is formed to the step it ends; the same pair tied again is a new spell). Rows are
 * written at the observation of the step in which the spell ended, in the order spells ended,
 * then, after the last step, one row for every spell still active (by supplier id, then in the
 * order the supplier's ties were formed).
 */
export const RELATIONSHIP_COLUMNS = [
  col(
    'run_id',
    'integer',
    '',
    'Run identifier (1 for a single run; the sweep run number in sweeps).',
  ),
  col('supplier_id', 'integer', '', 'Supplier of the tie (supplier_id in suppliers.csv).'),
  col('supplier_group', 'string', '', 'Supplier group (scenario key under suppliers).'),
  col('buyer_id', 'integer', '', 'Lead firm of the tie (numbered from 0 across buyer groups).'),
  col('buyer_group', 'string', '', 'Lead-firm group (scenario key under buyers).'),
  col(
    'type_start',
    'string',
    'market|network|quasi_hierarchy|hierarchy',
    'Relationship type when the spell began.',
  ),
  col(
    'type_end',
    'string',
    'market|network|quasi_hierarchy|hierarchy',
    'Relationship type when the spell ended, or at the last step for a spell still active.',
  ),
  col(
    'start_step',
    'integer',
    'step',
    'Step at which the tie was formed (0: tie of the initial world).',
  ),
  col('end_step', 'integer', 'step', 'Step at which the spell ended (empty while active).'),
  col(
    'end_cause',
    'string',
    RELATIONSHIP_END_CAUSES.join('|'),
    "Why the spell ended (empty while active): dropped_requirements (the buyer dropped a supplier below its requirements beyond the grace period), sanctioned (a guarding buyer ended the tie over encroachment), succession (the supplier left its least sophisticated buyer for a better one), supplier_exit (the supplier exited), re_sourced (the buyer replaced the supplier by one offering more capability per unit of price, net of the switching cost of the tie type), displaced (a fully booked supplier gave up its lowest-paying arm's-length customer to take on a lead firm that re-sourced to it); docs/ODD.md section 7.16 lists the vocabulary.",
  ),
  col(
    'n_type_changes',
    'integer',
    'changes',
    'Times the relationship type changed over the spell (counted between consecutive steps).',
  ),
  col(
    'volume',
    'number',
    'units',
    'Volume the supplier delivered to the lead firm over the spell.',
  ),
  col(
    'mean_markup',
    'number',
    'ratio',
    "Volume-weighted mean markup over the spell: the sum over steps of volume x (price / variable unit cost - 1), divided by the volume (steps at zero unit cost left out). Variable unit cost is model.prices.unit_cost x the cost level x (1 - model.prices.process_cost_saving x process capability), the supplier's marginal cost without the fixed cost of capacity. Empty if nothing was delivered.",
  ),
] as const;

/**
 * The column that --by-group adds to timeseries.csv, third after run_id and step: the supplier
 * group a row describes, or GROUP_ALL for the whole population.
 */
export const GROUP_ALL = 'all';
export const GROUP_COLUMN = col(
  'group',
  'string',
  '',
  'Supplier group the row describes (scenario key under suppliers), or "all" for the whole population; written only with --by-group, which adds a row per group after each step\'s "all" row. In group rows every column is computed over that group\'s suppliers and their relationships; price_pressure, cost_level and exchange_rate are the common environment, and the cumulative counters count the group\'s exits, entries, functional and chain upgrades and sanctions.',
);

/** timeseries.csv's columns: with the group column after run_id and step when by group. */
export function timeseriesColumns(byGroup: boolean): readonly ColumnSpec[] {
  if (!byGroup) return TIMESERIES_COLUMNS;
  return [
    TIMESERIES_COLUMNS[0],
    TIMESERIES_COLUMNS[1],
    GROUP_COLUMN,
    ...TIMESERIES_COLUMNS.slice(2),
  ];
}

type Names<C extends readonly ColumnSpec[]> = C[number]['name'];
type CellOf<T extends ColumnType> = T extends 'integer' | 'number'
  ? number
  : T extends 'boolean'
    ? boolean
    : string;
type RowOf<C extends readonly ColumnSpec[]> = {
  [K in Names<C>]: CellOf<Extract<C[number], { name: K }>['type']> | null;
};

/** `group` is set only in rows by group (--by-group); writers without the column ignore it. */
export type TimeseriesRow = RowOf<typeof TIMESERIES_COLUMNS> & { group?: string };
export type SupplierRow = RowOf<typeof SUPPLIER_COLUMNS>;
export type RelationshipRow = RowOf<typeof RELATIONSHIP_COLUMNS>;

/** Where a running simulation sends what it observes; io writers and tests implement it. */
export interface ObservationSink {
  timeseries(row: TimeseriesRow): void;
  /**
   * Supplier rows of one recorded step, in supplier order. A step's rows may come in several
   * calls (simulation.ts, SUPPLIER_BATCH), all before the next step's; a sink that needs the
   * whole step gathers them.
   */
  suppliers(rows: SupplierRow[]): void;
  /** Spell rows (relationships.csv); a sink without it records none and the engine builds none. */
  relationships?(rows: RelationshipRow[]): void;
}

/** When supplier rows are recorded: the final state only, at steps 0, k, 2k, … (and the last), or never. */
export type AgentsMode = { kind: 'final' } | { kind: 'every'; k: number } | { kind: 'none' };
