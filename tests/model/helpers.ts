/**
 * Small hand-built worlds for submodel tests: resolve a tiny scenario through the real loader
 * (so every default comes from the parameter registry), build the world with createWorld, then
 * let the test set state directly and call one submodel function.
 */
import { stringify } from 'yaml';
import { createWorld } from '../../src/model/init.js';
import { formTie } from '../../src/model/networks.js';
import { linkSupplierToBuyer } from '../../src/model/relationships.js';
import {
  relationshipAt,
  type Buyer,
  type Partner,
  type Relationship,
  type Supplier,
  type SupplierIntent,
  type World,
} from '../../src/model/state.js';
import type { RelationshipType } from '../../src/scenario/parameters.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';

type Obj = Record<string, unknown>;

export interface TinyOptions {
  /** Number of suppliers in the single supplier group `s` (default 1). */
  suppliers?: number;
  /** Extra settings of supplier group `s` (merged over deterministic defaults). */
  supplier?: Obj;
  /** Buyer groups by name; each defaults to count 1. */
  buyers?: Record<string, Obj>;
  /** Partner groups by name; each defaults to count 1. */
  partners?: Record<string, Obj>;
  environment?: Obj;
  model?: Obj;
  /** `path=value` overrides applied after the document. */
  sets?: string[];
  seed?: number;
  steps?: number;
  stepsPerYear?: number;
}

/** Deep merge of plain objects (arrays and scalars of `b` replace those of `a`). */
function merge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      prev &&
      typeof prev === 'object' &&
      !Array.isArray(prev)
        ? merge(prev as Obj, v as Obj)
        : v;
  }
  return out;
}

/**
 * A tiny scenario: one supplier group `s` with deterministic capabilities (sd 0) and size
 * (sd_log 0), no initial buyers and no network ties (tests link what they need), no exchange-
 * rate noise, and whatever buyer and partner groups the test asks for.
 */
export function tinyScenarioDoc(o: TinyOptions = {}): Obj {
  const supplier = merge(
    {
      count: o.suppliers ?? 1,
      capabilities: {
        process: { mean: 0.3, sd: 0 },
        product: { mean: 0.3, sd: 0 },
        design: { mean: 0.1, sd: 0 },
        marketing: { mean: 0.05, sd: 0 },
      },
      size: { mean: 1, sd_log: 0 },
      initial_buyers: 0,
      intent: { network_ties: 0, domestic: 0 },
    },
    o.supplier ?? {},
  );
  const doc: Obj = {
    name: 'tiny',
    seed: o.seed ?? 1,
    time: { steps: o.steps ?? 10, steps_per_year: o.stepsPerYear ?? 4 },
    environment: merge({ fx: { volatility: 0 } }, o.environment ?? {}),
    suppliers: { s: supplier },
  };
  if (o.buyers)
    doc.buyers = Object.fromEntries(
      Object.entries(o.buyers).map(([k, v]) => [k, { count: 1, ...v }]),
    );
  if (o.partners)
    doc.partners = Object.fromEntries(
      Object.entries(o.partners).map(([k, v]) => [k, { count: 1, ...v }]),
    );
  if (o.model) doc.model = o.model;
  return doc;
}

export function tinyScenario(o: TinyOptions = {}): Scenario {
  return parseScenarioText(stringify(tinyScenarioDoc(o)), 'tiny.yaml', { sets: o.sets }).scenario;
}

export function tinyWorld(o: TinyOptions = {}): World {
  return createWorld(tinyScenario(o));
}

/** Set all four capabilities [process, product, design, marketing]. */
export function setCaps(s: Supplier, caps: readonly number[]): void {
  for (let f = 0; f < 4; f++) s.cap[f] = caps[f];
}

/**
 * Give supplier `s` an intent of its own (its group's with `changes`): a copy of its group is
 * added to world.supplierGroups and the supplier's row points at it, as a supplier of a
 * group of its own would.
 */
export function setIntent(world: World, s: Supplier, changes: Partial<SupplierIntent>): void {
  const group = s.supplierGroup;
  world.supplierGroups.push({ ...group, intent: { ...group.intent, ...changes } });
  world.supplierTable.cols.groupCode[s.ix] = world.supplierGroups.length - 1;
}

/** Link a supplier to a buyer through the real constructor, then force type and sales share. */
export function link(
  world: World,
  s: Supplier,
  b: Buyer,
  type?: RelationshipType,
  salesShare = 0,
): Relationship {
  const r = relationshipAt(world, linkSupplierToBuyer(world, s, b));
  if (type) r.type = type;
  r.salesShare = salesShare;
  return r;
}

export function buyerOf(world: World, group: string): Buyer {
  const b = world.buyers.find((x) => x.group === group);
  if (!b) throw new Error(`no buyer in group ${group}`);
  return b;
}

export function partnerOf(world: World, group: string): Partner {
  for (let id = 0; id < world.partners.length; id++) {
    const p = world.partners.at(id);
    if (p.group === group) return p;
  }
  throw new Error(`no partner in group ${group}`);
}

export function addTie(world: World, s: Supplier, p: Partner, trust: number): void {
  formTie(world, s, p, trust);
}

/** Capabilities before and after running `fn`, as the per-function gain. */
export function gainOf(s: Supplier, fn: () => void): number[] {
  const before = Array.from(s.cap);
  fn();
  return Array.from(s.cap, (c, f) => c - before[f]);
}
