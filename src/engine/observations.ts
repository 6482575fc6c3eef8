/**
 * The output contract (docs/ODD.md §4.11): the columns of timeseries.csv and suppliers.csv,
 * each with its type, unit and meaning. Writers take their headers from here and the
 * codebook is generated from here, so a column cannot be written without being documented.
 */

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
   * Confidence intervals of the column's mean stay inside it (summary.csv).
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
    'mean_margin',
    'number',
    'share of revenue',
    'Mean profit margin (profit / revenue) this step over the suppliers that had revenue in it: those active at its start, including any that exited at its end (process 8c), not its entrants.',
  ),
  col(
    'mean_investment',
    'number',
    'money/capacity/step',
    'Mean capability investment this step per unit of capacity at the end of the step (after its capacity growth), over the suppliers that made the investment decision in it: those active at its start, including any that exited at its end (process 8c), not its entrants (empty at step 0).',
    NON_NEGATIVE,
  ),
  col(
    'mean_design_investment',
    'number',
    'money/capacity/step',
    'Mean investment in design this step per unit of capacity at the end of the step, over the same suppliers as mean_investment.',
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
    'Role upgrades (OEM to ODM, ODM to OBM, or OEM to OBM) since the start.',
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
  col('process', 'number', 'index [0,1]', 'Process capability.'),
  col('product', 'number', 'index [0,1]', 'Product capability.'),
  col('design', 'number', 'index [0,1]', 'Design capability.'),
  col('marketing', 'number', 'index [0,1]', 'Marketing (incl. branding) capability.'),
  col(
    'partner_marketing',
    'number',
    'index [0,1]',
    'Marketing a strategic partner performs for the supplier (e.g. a sales agent): best partner know-how x trust; 0 if none.',
  ),
  col('absorptive_capacity', 'number', 'index [0,1]', 'Absorptive capacity (from the R&D stock).'),
  col('n_buyers', 'integer', 'buyers', 'Lead firms the supplier has a relationship with.'),
  col(
    'top_buyer_share',
    'number',
    'share of sales',
    'Share of sales going to the largest lead-firm customer.',
  ),
  col(
    'buyer_hhi',
    'number',
    'index [0,1]',
    'Herfindahl concentration of sales over buyers and the domestic channel.',
  ),
  col(
    'main_buyer_governance',
    'string',
    '',
    'Type of the relationship with the largest customer (empty if none).',
  ),
  col(
    'domestic_share',
    'number',
    'share of sales',
    'Share of sales through the domestic/regional channel (incl. extra sectors).',
  ),
  col(
    'own_brand_share',
    'number',
    'share of sales',
    "Share of sales under the supplier's own brand.",
  ),
  col('margin', 'number', 'share of revenue', 'Profit margin this step (empty if no revenue).'),
  col('cash', 'number', 'money', 'Cash holdings.'),
  col('size', 'number', 'units/step', 'Production capacity.'),
  col('network_degree', 'integer', 'ties', 'Strategic network ties.'),
  col(
    'n_sectors',
    'integer',
    'sectors',
    'Sectors the supplier operates in (1 = home sector only).',
  ),
  col('active', 'boolean', '', 'Whether the supplier is still in business.'),
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
] as const;

type Names<C extends readonly ColumnSpec[]> = C[number]['name'];
type CellOf<T extends ColumnType> = T extends 'integer' | 'number'
  ? number
  : T extends 'boolean'
    ? boolean
    : string;
type RowOf<C extends readonly ColumnSpec[]> = {
  [K in Names<C>]: CellOf<Extract<C[number], { name: K }>['type']> | null;
};

export type TimeseriesRow = RowOf<typeof TIMESERIES_COLUMNS>;
export type SupplierRow = RowOf<typeof SUPPLIER_COLUMNS>;

/** Where a running simulation sends what it observes; io writers and tests implement it. */
export interface ObservationSink {
  timeseries(row: TimeseriesRow): void;
  suppliers(rows: SupplierRow[]): void;
}

/** When supplier rows are recorded: the final state only, at steps 0, k, 2k, … (and the last), or never. */
export type AgentsMode = { kind: 'final' } | { kind: 'every'; k: number } | { kind: 'none' };
