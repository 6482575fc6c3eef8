/**
 * The parameter registry: every model parameter is declared here once, with its canonical
 * dotted path, type, default, range, unit and a one-line description. Validation, the
 * resolved-scenario defaults, `gvc params`, `gvc schema` and docs/parameters.md are all
 * derived from this list, so a parameter cannot exist in one of them and not the others.
 *
 * A `*` segment stands for a user-named group (`buyers.us_brands.governance`): groups keep
 * paths stable when a scenario adds or reorders buyer, supplier or partner groups.
 */

export const FUNCTIONS = ['process', 'product', 'design', 'marketing'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

export const GOVERNANCE_STYLES = [
  'market',
  'network',
  'quasi_hierarchy',
  'hierarchy',
  'emergent',
] as const;
export type GovernanceStyle = (typeof GOVERNANCE_STYLES)[number];
/** The relationship types a tie actually has at a step (`emergent` resolves to one of these). */
export const RELATIONSHIP_TYPES = ['market', 'network', 'quasi_hierarchy', 'hierarchy'] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

export const BUYER_TYPES = ['branding', 'sourcing'] as const;
export type BuyerType = (typeof BUYER_TYPES)[number];

export const PARTNER_KINDS = [
  'peer_supplier',
  'other_brand',
  'other_field_firm',
  'sales_agent',
  'university',
  'association',
] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export const GROUP_SECTIONS = ['suppliers', 'buyers', 'partners'] as const;
export type GroupSection = (typeof GROUP_SECTIONS)[number];

export type ParamValue = number | boolean | string | string[];

interface BaseSpec {
  /** Canonical dotted path; `*` is a named group. */
  path: string;
  description: string;
  unit?: string;
}
export interface NumberSpec extends BaseSpec {
  type: 'number' | 'integer';
  default: number;
  min: number;
  max: number;
}
export interface BooleanSpec extends BaseSpec {
  type: 'boolean';
  default: boolean;
}
export interface EnumSpec extends BaseSpec {
  type: 'enum';
  default: string;
  options: readonly string[];
}
/** A list whose items come from a fixed set (e.g. guarded functions). */
export interface SetSpec extends BaseSpec {
  type: 'set';
  default: string[];
  options: readonly string[];
}
/** A list of names that refer to other groups (validated against the scenario). */
export interface NameListSpec extends BaseSpec {
  type: 'names';
  default: string[];
  refersTo: GroupSection;
}
export type ParamSpec = NumberSpec | BooleanSpec | EnumSpec | SetSpec | NameListSpec;

const P: ParamSpec[] = [];
function num(
  path: string,
  def: number,
  min: number,
  max: number,
  unit: string,
  description: string,
): void {
  P.push({ path, type: 'number', default: def, min, max, unit, description });
}
function int(
  path: string,
  def: number,
  min: number,
  max: number,
  unit: string,
  description: string,
): void {
  P.push({ path, type: 'integer', default: def, min, max, unit, description });
}
function bool(path: string, def: boolean, description: string): void {
  P.push({ path, type: 'boolean', default: def, description });
}
function oneOf(path: string, def: string, options: readonly string[], description: string): void {
  P.push({ path, type: 'enum', default: def, options, description });
}
function setOf(path: string, def: string[], options: readonly string[], description: string): void {
  P.push({ path, type: 'set', default: def, options, description });
}
function names(path: string, refersTo: GroupSection, description: string): void {
  P.push({ path, type: 'names', default: [], refersTo, description });
}

// ---------------------------------------------------------------- run
int('seed', 1, 0, 4294967295, '', 'Seed of every random stream of the run.');
int('time.steps', 120, 1, 100000, 'steps', 'Number of steps in a run (120 quarters = 30 years).');
int(
  'time.steps_per_year',
  4,
  1,
  365,
  'steps/year',
  'Steps per year. Rates per year are converted to the step; capacity, demand and fixed cost are per quarter and *_steps durations count quarters, at any step length, so this changes the resolution, not the meaning, of the parameters.',
);

// ---------------------------------------------------------------- environment
num(
  'environment.price_pressure.initial',
  0,
  0,
  0.9,
  'share of price',
  'Price cut forced by low-cost entrants at the first step.',
);
num(
  'environment.price_pressure.growth',
  0.004,
  0,
  0.2,
  'per year',
  'Annual rise of price pressure from low-cost entrants.',
);
num('environment.price_pressure.max', 0.5, 0, 0.95, 'share of price', 'Ceiling of price pressure.');
num(
  'environment.input_cost_growth',
  0,
  -0.1,
  0.2,
  'per year',
  'Annual real rise of variable unit costs (wages, materials), compounding; 0 keeps costs constant.',
);
num(
  'environment.fx.volatility',
  0.05,
  0,
  1,
  'per sqrt(year)',
  'Volatility of the log exchange rate applied to export revenue.',
);
num(
  'environment.fx.mean_reversion',
  0.5,
  0,
  10,
  'per year',
  'Speed at which the log exchange rate reverts to parity.',
);
num(
  'environment.ipr_protection',
  0.6,
  0,
  1,
  'index',
  'IPR protection: 1 = imitators cannot erode the returns to design and brand, 0 = they erode them fully.',
);
num(
  'environment.institutions',
  0.5,
  0,
  1,
  'index',
  'Strength of home institutions: access to universities and associations, support for chain upgrading.',
);
num(
  'environment.peer_trust',
  0.5,
  0,
  1,
  'index',
  'Trust among peer suppliers: caps the trust of peer ties (copying fears).',
);
num(
  'environment.domestic_market.size',
  0.2,
  0,
  10,
  'share of capacity',
  'Domestic and regional demand at the first step, as a share of total initial supplier capacity.',
);
num(
  'environment.domestic_market.growth',
  0.02,
  -0.5,
  1,
  'per year',
  'Annual growth rate of domestic and regional demand.',
);
num(
  'environment.domestic_market.price',
  0.92,
  0.1,
  2,
  'base price',
  'Unit price in the domestic channel relative to the export base price (smaller buyers pay less).',
);
num(
  'environment.standards_growth',
  0.004,
  0,
  0.2,
  'per year',
  "Annual rise of every buyer's capability requirements (rising standards).",
);

// ---------------------------------------------------------------- supplier groups
int(
  'suppliers.*.count',
  100,
  0,
  10000000,
  'firms',
  'Number of suppliers in the group at the first step.',
);
for (const f of FUNCTIONS) {
  const means: Record<FunctionName, number> = {
    process: 0.3,
    product: 0.25,
    design: 0.1,
    marketing: 0.05,
  };
  num(
    `suppliers.*.capabilities.${f}.mean`,
    means[f],
    0,
    1,
    'index',
    `Mean initial ${f} capability.`,
  );
  num(
    `suppliers.*.capabilities.${f}.sd`,
    0.05,
    0,
    0.5,
    'index',
    `Standard deviation of initial ${f} capability (normal, clipped to [0,1]).`,
  );
}
num(
  'suppliers.*.size.mean',
  1,
  0.01,
  1000,
  'units/quarter',
  'Median production capacity (lognormal), in units per quarter at any step length.',
);
num('suppliers.*.size.sd_log', 0.4, 0, 3, 'log units', 'Standard deviation of log capacity.');
num(
  'suppliers.*.absorptive_capacity',
  0.3,
  0,
  0.99,
  'index',
  'Initial absorptive capacity (sets the initial R&D stock).',
);
num('suppliers.*.cash', 1, -100, 1000, 'capacity units', 'Initial cash per unit of capacity.');
num(
  'suppliers.*.intent.reinvest',
  0.3,
  0,
  1,
  'share of profit',
  'Strategic intent: share of profit reinvested in capabilities.',
);
for (const f of FUNCTIONS) {
  const split: Record<FunctionName, number> = {
    process: 0.4,
    product: 0.3,
    design: 0.2,
    marketing: 0.1,
  };
  num(
    `suppliers.*.intent.split.${f}`,
    split[f],
    0,
    1,
    'weight',
    `Weight of ${f} in the reinvestment split (weights are normalised; at least one of the four must be above 0).`,
  );
}
int(
  'suppliers.*.intent.network_ties',
  0,
  0,
  100,
  'ties',
  'Number of strategic network ties the supplier seeks to keep.',
);
num(
  'suppliers.*.intent.diversify',
  0.3,
  0,
  1,
  'index',
  'Propensity to search for additional buyers.',
);
num(
  'suppliers.*.intent.domestic',
  0.1,
  0,
  1,
  'share of capacity',
  'Share of capacity offered in the domestic channel at the start.',
);
int(
  'suppliers.*.initial_buyers',
  1,
  0,
  50,
  'buyers',
  'Number of lead firms each supplier sells to at the first step.',
);
names(
  'suppliers.*.buyer_groups',
  'buyers',
  'Buyer groups the initial buyers are drawn from (empty = all groups); later search reaches every buyer.',
);
names(
  'suppliers.*.partner_groups',
  'partners',
  'Partner groups the supplier draws network ties from (empty = all groups).',
);

// ---------------------------------------------------------------- buyer (lead firm) groups
int('buyers.*.count', 10, 0, 1000000, 'firms', 'Number of lead firms in the group.');
oneOf(
  'buyers.*.governance',
  'emergent',
  GOVERNANCE_STYLES,
  "Governance style; `emergent` derives each relationship's type from complexity, codifiability and supplier capability (Gereffi, Humphrey & Sturgeon 2005).",
);
oneOf(
  'buyers.*.type',
  'branding',
  BUYER_TYPES,
  'Branding buyers relinquish supply-chain functions readily; sourcing buyers do not (Humphrey & Schmitz 2002).',
);
setOf(
  'buyers.*.guards',
  ['design', 'marketing'],
  FUNCTIONS,
  'Functions the buyer treats as core and guards against supplier encroachment.',
);
num(
  'buyers.*.requirements.process',
  0.2,
  0,
  1,
  'index',
  'Process capability a supplier needs to be accepted.',
);
num(
  'buyers.*.requirements.product',
  0.15,
  0,
  1,
  'index',
  'Product capability a supplier needs to be accepted.',
);
num(
  'buyers.*.sophistication',
  0.5,
  0,
  1,
  'index',
  'Segment sophistication: pays more, and capable suppliers move up to such buyers.',
);
int('buyers.*.suppliers_target', 10, 1, 100000, 'firms', 'Number of suppliers the buyer keeps.');
num(
  'buyers.*.demand_per_supplier',
  0.8,
  0,
  1000,
  'units/quarter',
  'Demand volume per target supplier per quarter (buyer demand = this x suppliers_target).',
);
num('buyers.*.demand_growth', 0.02, -0.5, 1, 'per year', "Annual growth of the buyer's demand.");
num(
  'buyers.*.monitoring',
  0.5,
  0,
  1,
  'index',
  'Monitoring intensity: speeds process and product transfer and the detection of encroachment.',
);
num(
  'buyers.*.bargaining_power',
  0.5,
  0,
  1,
  'index',
  'Bargaining power: squeezes the prices of suppliers dependent on the buyer.',
);
bool(
  'buyers.*.developmental',
  false,
  'Developmental buyers train suppliers beyond their immediate needs (ILO SEED).',
);
for (const f of FUNCTIONS) {
  num(
    `buyers.*.know_how.${f}`,
    0.9,
    0,
    1,
    'index',
    `The buyer's own ${f} know-how (the ceiling of what it can teach).`,
  );
}
num(
  'buyers.*.complexity',
  0.6,
  0,
  1,
  'index',
  'Complexity of the transactions (GHS determinant, used by emergent governance).',
);
num(
  'buyers.*.codifiability',
  0.4,
  0,
  1,
  'index',
  'Ability to codify the transactions (GHS determinant, used by emergent governance).',
);

// ---------------------------------------------------------------- partner groups
oneOf(
  'partners.*.kind',
  'peer_supplier',
  PARTNER_KINDS,
  'Kind of partner; its know-how profile is model.partner_profiles.<kind>.',
);
int('partners.*.count', 10, 0, 1000000, 'partners', 'Number of partners in the group.');
int(
  'partners.*.sector',
  0,
  0,
  63,
  'sector id',
  "Sector the partner works in (0 = the suppliers' home sector); other_field firms open their sector.",
);

// ---------------------------------------------------------------- partner kind profiles
const profiles: Record<PartnerKind, Record<FunctionName, number>> = {
  peer_supplier: { process: 0.6, product: 0.5, design: 0.3, marketing: 0.2 },
  other_brand: { process: 0.4, product: 0.6, design: 0.8, marketing: 0.8 },
  other_field_firm: { process: 0.6, product: 0.6, design: 0.5, marketing: 0.4 },
  sales_agent: { process: 0.1, product: 0.2, design: 0.2, marketing: 0.7 },
  university: { process: 0.5, product: 0.7, design: 0.8, marketing: 0.1 },
  association: { process: 0.5, product: 0.4, design: 0.4, marketing: 0.5 },
};
const covers: Record<PartnerKind, FunctionName[]> = {
  peer_supplier: [],
  other_brand: [],
  other_field_firm: [],
  sales_agent: ['marketing'],
  university: [],
  association: [],
};
for (const kind of PARTNER_KINDS) {
  for (const f of FUNCTIONS) {
    num(
      `model.partner_profiles.${kind}.${f}`,
      profiles[kind][f],
      0,
      1,
      'index',
      `Know-how of a ${kind} partner in ${f}.`,
    );
  }
  setOf(
    `model.partner_profiles.${kind}.covers`,
    covers[kind],
    FUNCTIONS,
    `Functions a ${kind} partner can perform for the supplier (e.g. a sales agent selling its products); only marketing enters the model (effective marketing, ODD §7.5), so listing another function has no effect.`,
  );
}

// ---------------------------------------------------------------- orders and prices
num(
  'model.orders.capability_weight',
  1.5,
  0,
  10,
  'exponent',
  "Exponent on production capability in a buyer's order allocation (orders are also proportional to capacity).",
);
num(
  'model.orders.tenure_weight',
  0.5,
  0,
  5,
  'index',
  'Extra allocation weight of a long relationship (reliability proven over time).',
);
num(
  'model.orders.buyer_share_floor',
  0.3,
  0,
  1,
  'share of capacity',
  'Share of its capacity a supplier with diversification intent 1 lets any one lead firm take; with intent d the limit is 1 - d x (1 - this), so intent 0 sets no limit.',
);
num(
  'model.prices.base_price',
  1,
  0.01,
  100,
  'money/unit',
  'Export unit price of a basic assembled product.',
);
num(
  'model.prices.unit_cost',
  0.8,
  0,
  100,
  'money/unit',
  'Variable unit cost at zero process capability.',
);
num(
  'model.prices.process_cost_saving',
  0.15,
  0,
  0.9,
  'share of cost',
  'Share of unit cost saved at process capability 1.',
);
num(
  'model.prices.fixed_cost',
  0.1,
  0,
  100,
  'money/capacity/quarter',
  'Fixed cost per unit of capacity per quarter (paid whether or not it is used).',
);
num(
  'model.prices.product_premium',
  0.15,
  0,
  5,
  'share of price',
  'Unit value added at product capability 1.',
);
num(
  'model.prices.design_premium',
  0.15,
  0,
  5,
  'share of price',
  "Unit value added by the supplier's own design at design capability 1 (smile curve).",
);
num(
  'model.prices.brand_premium',
  0.3,
  0,
  5,
  'share of price',
  'Unit value added by an own brand at marketing capability 1 (smile curve).',
);
num(
  'model.prices.sophistication_premium',
  0.1,
  0,
  5,
  'share of price',
  'Price premium paid by a buyer of sophistication 1.',
);
num(
  'model.prices.buyer_squeeze',
  0.15,
  0,
  1,
  'share of price',
  'Price cut from a buyer with power 1 on a supplier fully dependent on it.',
);
num(
  'model.prices.relational_premium',
  0.1,
  0,
  1,
  'share of price',
  'Price premium a lead firm pays on a network (relational) tie as the rent that rewards non-contractible effort (Cajal-Grossi, Macchiavello & Noguera 2023).',
);
num(
  'model.prices.imitation',
  0.8,
  0,
  1,
  'share of premium',
  'Share of design and brand premiums imitators erode when IPR protection is 0.',
);
num(
  'model.prices.tax_rate',
  0,
  0,
  1,
  'share of profit',
  'Share of positive profit paid out (tax, owner drawings) before reinvestment.',
);

// ---------------------------------------------------------------- learning
const transfer: Record<RelationshipType, Record<FunctionName, number>> = {
  market: { process: 0.02, product: 0.02, design: 0.015, marketing: 0.015 },
  network: { process: 0.2, product: 0.2, design: 0.2, marketing: 0.2 },
  quasi_hierarchy: { process: 0.15, product: 0.12, design: 0.1, marketing: 0.1 },
  hierarchy: { process: 0.18, product: 0.18, design: 0.15, marketing: 0.15 },
};
for (const g of RELATIONSHIP_TYPES) {
  for (const f of FUNCTIONS) {
    num(
      `model.learning.transfer.${g}.${f}`,
      transfer[g][f],
      0,
      5,
      'per year',
      `Transfer intensity of ${f} know-how in a ${g} relationship (before guarding).`,
    );
  }
}
num(
  'model.learning.guard_leak',
  0.05,
  0,
  1,
  'share',
  'Share of the transfer intensity that still reaches the supplier in a function its buyer guards.',
);
num(
  'model.learning.developmental_boost',
  0.5,
  0,
  5,
  'share',
  'Extra transfer of a developmental buyer in every function it does not withhold (all but the guarded ones of a quasi-hierarchical tie).',
);
num(
  'model.learning.monitoring_boost',
  0.5,
  0,
  5,
  'share',
  'Extra process and product transfer at monitoring intensity 1, in quasi-hierarchical ties.',
);
num(
  'model.learning.network_rate',
  0.03,
  0,
  5,
  'per year',
  'Spillover rate from a strategic partner at trust 1.',
);
num(
  'model.learning.peer_imitation_damping',
  0.5,
  0,
  1,
  'share',
  'Share of peer spillover lost to copying fears when IPR protection is 0.',
);
num(
  'model.learning.absorptive_floor',
  0.05,
  0,
  1,
  'index',
  'Absorptive capacity of a firm with no R&D stock.',
);
num(
  'model.learning.absorptive_half_stock',
  1,
  0.001,
  100,
  'capacity units',
  'R&D stock per unit of capacity at which absorptive capacity is halfway to 1.',
);
num('model.learning.rd_depreciation', 0.3, 0, 5, 'per year', 'Depreciation of the R&D stock.');
num(
  'model.learning.depreciation',
  0.04,
  0,
  5,
  'per year',
  'Decay of a capability the supplier does not exercise.',
);

// ---------------------------------------------------------------- investment
num(
  'model.investment.efficiency',
  1.2,
  0,
  100,
  'capability/(money/capacity)',
  'Capability gained per unit of investment per unit of capacity, at full absorptive capacity.',
);
num(
  'model.investment.institution_support',
  1,
  0,
  2,
  'share',
  'How much home institutions (innovation system, support programmes) change investment productivity: factor 1 + support x (institutions - 0.5).',
);
num(
  'model.investment.sanction_aversion',
  1,
  0,
  5,
  'index',
  "How strongly a dependent supplier holds back investment in its buyer's guarded functions.",
);
num(
  'model.investment.collective_pooling',
  1,
  0,
  10,
  'share',
  'Extra reach of design and brand investment pooled with trusted peers (collective design, collective brand): factor 1 + pooling x (1 - exp(-trust in peer ties)).',
);
num(
  'model.investment.capacity_growth',
  0.04,
  0,
  2,
  'per year',
  'Capacity growth of a profitable supplier whose buyers ordered more than it could make.',
);
num(
  'model.investment.cash_buffer',
  0.5,
  0,
  100,
  'capacity units',
  'Cash per unit of capacity kept before profit is reinvested.',
);

// ---------------------------------------------------------------- sanctions and relationship change
num(
  'model.sanctions.encroach_threshold',
  0.45,
  0,
  1,
  'index',
  'Capability in a guarded function above which a buyer sees the supplier as encroaching.',
);
num(
  'model.sanctions.rate',
  1.5,
  0,
  50,
  'per year',
  'Sanction hazard per unit of encroachment at full monitoring.',
);
num(
  'model.sanctions.order_cut',
  0.5,
  0,
  1,
  'share',
  'Share of the allocation weight a sanction removes; a second sanction ends the relationship.',
);
num(
  'model.sanctions.memory_years',
  3,
  0,
  100,
  'years',
  'How long a buyer remembers a sanction before a new one counts as the first.',
);
num(
  'model.governance.relax_rate.branding',
  0.25,
  0,
  10,
  'per year',
  "Rate at which a branding buyer's quasi-hierarchical tie relaxes once the supplier is capable.",
);
num(
  'model.governance.relax_rate.sourcing',
  0.04,
  0,
  10,
  'per year',
  "Rate at which a sourcing buyer's quasi-hierarchical tie relaxes once the supplier is capable.",
);
num(
  'model.governance.capable_threshold',
  0.65,
  0,
  1,
  'index',
  'Production capability (mean of process and product) at which a supplier counts as capable.',
);
num(
  'model.governance.network_competence',
  0.45,
  0,
  1,
  'index',
  'Design capability a supplier needs for a network (relational) tie: complementary competence.',
);
num(
  'model.governance.hysteresis',
  0.05,
  0,
  0.5,
  'index',
  'Band around each GHS threshold that a determinant must cross before an emergent tie changes type.',
);

// ---------------------------------------------------------------- re-sourcing (process 7b)
num(
  'model.resourcing.review_rate',
  1,
  0,
  50,
  'per year',
  "Rate at which a lead firm reviews each of its supplier ties against an outside offer (a yearly sourcing decision, as in Monarch's 2016 model of importer switching).",
);
num(
  'model.resourcing.quote_dispersion',
  0.1,
  0,
  2,
  'log points',
  'Standard deviation of the transient, offer-specific shock on the log of each quote at a review (random-utility choice; Monarch 2016).',
);
const switching: Record<RelationshipType, number> = {
  market: 0.05,
  network: 0.3,
  quasi_hierarchy: 0.4,
  hierarchy: 10,
};
for (const g of RELATIONSHIP_TYPES) {
  num(
    `model.resourcing.switching_cost.${g}`,
    switching[g],
    0,
    10,
    'share of price',
    `Cost of replacing the supplier of a ${g} tie, as a share of the incumbent's price: an outside supplier must offer that much more capability per unit of price (Gereffi, Humphrey & Sturgeon 2005).`,
  );
}

// ---------------------------------------------------------------- search and networks
num(
  'model.search.rate',
  0.8,
  0,
  50,
  'per year',
  'Buyer-search rate of a supplier with diversification intent 1.',
);
num(
  'model.search.reputation_weight',
  1,
  0,
  10,
  'index',
  "How much reputation from existing top buyers raises a new buyer's acceptance.",
);
int(
  'model.search.drop_grace_steps',
  4,
  0,
  1000,
  'quarters',
  "Quarters a supplier may stay below its buyer's rising requirements before being dropped (counted in steps: the next whole number of steps as long, 4 at 4 steps per year).",
);
num(
  'model.search.succession_rate',
  0.3,
  0,
  50,
  'per year',
  'Rate at which a supplier capable of a more sophisticated buyer moves up to one.',
);
num(
  'model.search.domestic_adjust',
  0.3,
  0,
  10,
  'per year',
  'Speed at which suppliers shift capacity to the domestic channel when it pays better than exports.',
);
num(
  'model.networks.formation_rate',
  1,
  0,
  50,
  'per year',
  'Rate at which a supplier below its target forms a new strategic tie.',
);
num('model.networks.initial_trust', 0.2, 0, 1, 'index', 'Trust of a new tie.');
num(
  'model.networks.trust_growth',
  0.3,
  0,
  10,
  'per year',
  'Rate at which trust approaches its ceiling.',
);
num(
  'model.networks.decay_rate',
  0.1,
  0,
  10,
  'per year',
  'Dissolution hazard of a tie at trust 0; it falls in proportion to (1 - trust).',
);
num(
  'model.networks.backing_weight',
  0.6,
  0,
  1,
  'share',
  'How much a trusted strategic network makes a supplier hard to replace (unique know-how, outside options; Kang & Kim 2023).',
);

// ---------------------------------------------------------------- roles, sectors, exit, entry
num(
  'model.roles.odm_design',
  0.6,
  0,
  1,
  'index',
  'Design capability from which a supplier that designs for a buyer or its own channel is ODM.',
);
num('model.roles.obm_design', 0.5, 0, 1, 'index', 'Design capability an OBM needs.');
num(
  'model.roles.obm_marketing',
  0.6,
  0,
  1,
  'index',
  'Marketing capability (own or partner-covered) from which own-brand sales start.',
);
num(
  'model.roles.obm_min_share',
  0.05,
  0,
  1,
  'share of sales',
  'Own-brand share of sales from which a supplier is OBM.',
);
num(
  'model.sectors.capability_threshold',
  0.5,
  0,
  1,
  'index',
  'Transferable capability (mean of process, product, design) needed to enter another sector.',
);
num(
  'model.sectors.entry_rate',
  0.3,
  0,
  50,
  'per year',
  'Chain-upgrading rate with a trusted partner in the new field, at capability 1 and institutions 1.',
);
num(
  'model.sectors.market_size',
  0.3,
  0,
  10,
  'share of capacity',
  'Demand an extra sector opens to the supplier, per unit of its capacity.',
);
int(
  'model.exit.loss_steps',
  8,
  1,
  10000,
  'quarters',
  'Quarters of consecutive loss-making steps after which a supplier exits (the next whole number of steps as long: 8 at 4 steps per year, 2 at 1).',
);
num(
  'model.exit.cash_floor',
  -1,
  -1000,
  0,
  'capacity units',
  'Cash per unit of capacity below which a supplier exits at once.',
);
num(
  'model.entry.rate',
  0,
  0,
  1,
  'per year',
  'Entrants per year as a share of active suppliers (drawn like the first supplier group).',
);

// ---------------------------------------------------------------- observation
num(
  'model.lockin.production_threshold',
  0.6,
  0,
  1,
  'index',
  'Process and product capability above which a supplier counts as a capable producer (lock-in metric).',
);
num(
  'model.lockin.min_tenure_years',
  3,
  0,
  100,
  'years',
  'Years a supplier must have produced for a lead firm before it counts towards lock-in.',
);

/**
 * A parameter that may not exceed another: the model caps the first by the second, so a value
 * above it would be replaced without a word. Validation (resolve.ts checkConsistency) refuses
 * such a scenario instead, and docs/parameters.md lists these pairs. Paths are registry
 * templates; a `*` pair is checked within each group.
 */
export interface ParamBound {
  /** The bounded parameter (`environment.price_pressure.initial`). */
  lower: string;
  /** The parameter that bounds it (`environment.price_pressure.max`). */
  upper: string;
  /** Why the model caps `lower` at `upper`, for messages and docs. */
  why: string;
}

export const PARAM_BOUNDS: readonly ParamBound[] = [
  {
    lower: 'environment.price_pressure.initial',
    upper: 'environment.price_pressure.max',
    why: 'price pressure rises from its initial value to its ceiling and never above it',
  },
  {
    lower: 'buyers.*.requirements.process',
    upper: 'buyers.*.know_how.process',
    why: "a lead firm's requirements rise with standards but never beyond what it knows itself",
  },
  {
    lower: 'buyers.*.requirements.product',
    upper: 'buyers.*.know_how.product',
    why: "a lead firm's requirements rise with standards but never beyond what it knows itself",
  },
];

/**
 * The bounds of PARAM_BOUNDS that narrow `path`'s range: `atMost` the parameters it may not
 * exceed, `atLeast` those that may not exceed it. `path` is a registry template
 * (`buyers.*.requirements.process`) or a concrete path (`buyers.nike.requirements.process`); for
 * a concrete path, the `*` of the other path is the same group. Derived from PARAM_BOUNDS alone,
 * so gvc params and docs/parameters.md show what validation checks (resolve.ts).
 */
export function boundsOn(path: string): { atMost: string[]; atLeast: string[] } {
  const template = templateOf(path);
  const group = path !== template ? path.split('.')[1] : undefined;
  const concrete = (other: string) =>
    group === undefined
      ? other
      : other
          .split('.')
          .map((p, i) => (i === 1 && p === '*' ? group : p))
          .join('.');
  return {
    atMost: PARAM_BOUNDS.filter((b) => b.lower === template).map((b) => concrete(b.upper)),
    atLeast: PARAM_BOUNDS.filter((b) => b.upper === template).map((b) => concrete(b.lower)),
  };
}

export const PARAMETERS: readonly ParamSpec[] = P;

const byPath = new Map(P.map((p) => [p.path, p]));
/** The spec for a path of the registry (with `*` for group names), or undefined. */
export function specFor(templatePath: string): ParamSpec | undefined {
  return byPath.get(templatePath);
}

/** Replace the group-name segment of a concrete path by `*` (`buyers.us.count` → `buyers.*.count`). */
export function templateOf(path: string): string {
  const parts = path.split('.');
  if ((GROUP_SECTIONS as readonly string[]).includes(parts[0]) && parts.length > 2) parts[1] = '*';
  return parts.join('.');
}
