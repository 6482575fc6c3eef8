/**
 * The resolved scenario: every parameter of the registry (parameters.ts) filled in, either
 * from the scenario file, a `--set` override or the registry default. The shape mirrors the
 * dotted paths one to one; tests/scenario/registry.test.ts checks that it does.
 */
import type {
  BuyerType,
  FunctionName,
  GovernanceStyle,
  PartnerKind,
  RelationshipType,
} from './parameters.js';

export type PerFunction<T = number> = Record<FunctionName, T>;

export interface SupplierGroupConfig {
  count: number;
  capabilities: PerFunction<{ mean: number; sd: number }>;
  size: { mean: number; sd_log: number };
  absorptive_capacity: number;
  cash: number;
  intent: {
    reinvest: number;
    split: PerFunction;
    network_ties: number;
    diversify: number;
    domestic: number;
  };
  initial_buyers: number;
  buyer_groups: string[];
  partner_groups: string[];
}

export interface BuyerGroupConfig {
  count: number;
  governance: GovernanceStyle;
  type: BuyerType;
  guards: FunctionName[];
  requirements: { process: number; product: number };
  sophistication: number;
  suppliers_target: number;
  demand_per_supplier: number;
  demand_growth: number;
  monitoring: number;
  bargaining_power: number;
  developmental: boolean;
  know_how: PerFunction;
  complexity: number;
  codifiability: number;
}

export interface PartnerGroupConfig {
  kind: PartnerKind;
  count: number;
  sector: number;
}

export interface PartnerProfile extends PerFunction {
  covers: FunctionName[];
}

export interface ModelParams {
  partner_profiles: Record<PartnerKind, PartnerProfile>;
  orders: { capability_weight: number; tenure_weight: number; buyer_share_floor: number };
  prices: {
    base_price: number;
    unit_cost: number;
    process_cost_saving: number;
    fixed_cost: number;
    product_premium: number;
    design_premium: number;
    brand_premium: number;
    sophistication_premium: number;
    buyer_squeeze: number;
    imitation: number;
    relational_premium: number;
    tax_rate: number;
  };
  learning: {
    transfer: Record<RelationshipType, PerFunction>;
    guard_leak: number;
    developmental_boost: number;
    monitoring_boost: number;
    network_rate: number;
    peer_imitation_damping: number;
    absorptive_floor: number;
    absorptive_half_stock: number;
    rd_depreciation: number;
    depreciation: number;
  };
  investment: {
    efficiency: number;
    institution_support: number;
    sanction_aversion: number;
    collective_pooling: number;
    capacity_growth: number;
    cash_buffer: number;
  };
  sanctions: { encroach_threshold: number; rate: number; order_cut: number; memory_years: number };
  governance: {
    relax_rate: Record<BuyerType, number>;
    capable_threshold: number;
    network_competence: number;
    hysteresis: number;
  };
  resourcing: {
    review_rate: number;
    quote_dispersion: number;
    switching_cost: Record<RelationshipType, number>;
  };
  search: {
    rate: number;
    reputation_weight: number;
    drop_grace_steps: number;
    succession_rate: number;
    domestic_adjust: number;
  };
  networks: {
    formation_rate: number;
    initial_trust: number;
    trust_growth: number;
    decay_rate: number;
    backing_weight: number;
  };
  roles: { odm_design: number; obm_design: number; obm_marketing: number; obm_min_share: number };
  sectors: { capability_threshold: number; entry_rate: number; market_size: number };
  exit: { loss_steps: number; cash_floor: number };
  entry: { rate: number };
  lockin: { production_threshold: number; min_tenure_years: number };
}

export interface EnvironmentParams {
  price_pressure: { initial: number; growth: number; max: number };
  input_cost_growth: number;
  fx: { volatility: number; mean_reversion: number };
  ipr_protection: number;
  institutions: number;
  peer_trust: number;
  domestic_market: { size: number; growth: number; price: number };
  standards_growth: number;
}

/** A fully resolved scenario: what the engine runs. */
export interface Scenario {
  /** Scenario metadata (not parameters). */
  name: string;
  description: string;
  seed: number;
  time: { steps: number; steps_per_year: number };
  environment: EnvironmentParams;
  /** Groups keep the order in which the file declares them (it fixes agent ids). */
  suppliers: Record<string, SupplierGroupConfig>;
  buyers: Record<string, BuyerGroupConfig>;
  partners: Record<string, PartnerGroupConfig>;
  model: ModelParams;
}
