/**
 * Process 8a — roles. A supplier is ODM when it has design capability and designs what it
 * sells (for market or network buyers, or in its own channels); OBM when it also sells a
 * material share under its own brand, which needs marketing (own or a partner's) and design,
 * and independence (an affiliate in a hierarchy cannot run its own brand). It can hold several
 * roles at once; the highest is recorded. Each first rise of a supplier's highest role counts
 * as one functional upgrade.
 */
import { NONE } from '../engine/columns.js';
import { eachActiveRow, type RowBody } from '../engine/kernel.js';
import type { ModelParams } from '../scenario/types.js';
import {
  DESIGN,
  OBM,
  ODM,
  OEM,
  typeCode,
  type Role,
  type Supplier,
  type SupplierColumns,
  type World,
} from './state.js';

const HIERARCHY = typeCode('hierarchy');

/** A supplier's sales this step by the kind of work (units/quarter; see workVolumes). */
export interface WorkVolumes {
  oem: number;
  odm: number;
  obm: number;
}

/** Sales this step, units/quarter: to lead firms, in the domestic channel and in other sectors. */
export function salesAt(S: SupplierColumns, i: number): number {
  return S.exportVolume[i] + S.domesticVolume[i] + S.sectorVolume[i];
}

export function isOdm(s: Supplier, m: ModelParams): boolean {
  return isOdmAt(s.columns, s.ix, m);
}

/** isOdm for the supplier at row `i` of the supplier table's columns `S`. */
export function isOdmAt(S: SupplierColumns, i: number, m: ModelParams): boolean {
  // Both conditions computed before the `&&` (kernel.ts, "Code that runs only from some step on").
  const designs = S.cap[4 * i + DESIGN] >= m.roles.odm_design;
  const sellsOwnDesign = S.ownDesignVolume[i] > 0;
  return designs && sellsOwnDesign;
}

export function isObm(s: Supplier, world: World): boolean {
  return isObmAt(world, s.ix);
}

/** isObm for the supplier at row `i` of world.supplierTable. */
export function isObmAt(world: World, i: number): boolean {
  const S = world.supplierTable.cols;
  const sales = salesAt(S, i);
  // Own-brand sales first, as ODM needs own-design sales: at obm_min_share = 0 (its range's lower
  // end) the share test alone made every capable designer OBM without selling a branded unit.
  if (sales <= 0 || S.ownBrandVolume[i] <= 0 || !canRunOwnBrandAt(world, i)) return false;
  return S.ownBrandVolume[i] / sales >= world.scenario.model.roles.obm_min_share;
}

/** Design enough for an own brand, and independent: not an affiliate selling half its output in a hierarchy. */
function canRunOwnBrandAt(world: World, i: number): boolean {
  const S = world.supplierTable.cols;
  if (S.cap[4 * i + DESIGN] < world.scenario.model.roles.obm_design) return false;
  const R = world.relationshipTable.cols;
  for (let k = S.relFirst[i]; k !== NONE; k = R.nextOfSupplier[k]) {
    const hierarchy = R.type[k] === HIERARCHY;
    const half = R.salesShare[k] >= 0.5; // whatever the type (kernel.ts, "Code that runs only from some step on")
    if (hierarchy && half) return false;
  }
  return true;
}

/**
 * The supplier's sales this step split by the kind of work (units/quarter; the three sum to its
 * sales), with the conditions of the roles minus their "material share" thresholds, so a firm
 * can do OEM, ODM and OBM work at once (Hobday 1995; HKTDC 2008 found 83% of Hong Kong
 * manufacturers doing OEM, 61% ODM and 40% OBM work):
 * - `obm`: volume sold under the supplier's own brand, when it could run a brand (design at
 *   least roles.obm_design, not a hierarchy affiliate);
 * - `odm`: the rest of the volume sold with its own design (to market and network buyers, in its
 *   own channels), when its design capability reaches roles.odm_design;
 * - `oem`: everything else: production to a lead firm's design (captive and hierarchy ties) and
 *   products without design capability of the supplier's own to speak of.
 * Reads this step's volumes and current capabilities, as updateRoles does.
 */
export function workVolumes(s: Supplier, world: World): WorkVolumes {
  return workVolumesAt(world, s.ix, { oem: 0, odm: 0, obm: 0 });
}

/** workVolumes for the supplier at row `i`, written into `out` and returned. */
export function workVolumesAt(world: World, i: number, out: WorkVolumes): WorkVolumes {
  const S = world.supplierTable.cols;
  const sales = salesAt(S, i);
  // Differences of sums: a rounding residue (relative 1e-9) is no work done.
  const residue = 1e-9 * sales;
  const own = S.ownBrandVolume[i];
  // Each term is computed whether it counts or not (the observation's loop: kernel.ts, "Code
  // that runs only from some step on").
  const brandable = canRunOwnBrandAt(world, i);
  const obm = own > 0 && brandable ? own : 0;
  // At most the sales not done as OBM: the own-design volume is a sum over the supplier's ties
  // and channels in another order than the sales, so it can exceed them by a rounding step
  // (an odm_share of 1.0000000000000002 when all sales were own-design).
  const ownDesign = Math.min(S.ownDesignVolume[i], sales) - obm;
  let odm = S.cap[4 * i + DESIGN] >= world.scenario.model.roles.odm_design ? ownDesign : 0;
  if (odm <= residue) odm = 0;
  let oem = sales - odm - obm;
  if (oem <= residue) oem = 0;
  out.oem = oem;
  out.odm = odm;
  out.obm = obm;
  return out;
}

export function roleOf(s: Supplier, world: World): Role {
  return isObm(s, world) ? OBM : isOdm(s, world.scenario.model) ? ODM : OEM;
}

export function updateRoles(world: World): void {
  eachActiveRow(world, updateRolesBody(world));
}

/**
 * updateRoles for one supplier, with its per-step preparation done once: the body the
 * engine runs for each active supplier (kernel.ts, eachActiveRow, or tile by tile with
 * the other order-independent processes, runTiled). The first step of ODM and of OBM work are
 * columns, -1 before it (the Supplier reads null).
 */
export function updateRolesBody(world: World): RowBody {
  const m = world.scenario.model;
  const S = world.supplierTable.cols;
  return (i) => {
    const odm = isOdmAt(S, i, m);
    const obm = isObmAt(world, i);
    const role = obm ? OBM : odm ? ODM : OEM;
    S.role[i] = role;
    if (odm && S.stepOdm[i] < 0) S.stepOdm[i] = world.step;
    if (obm && S.stepObm[i] < 0) S.stepObm[i] = world.step;
    if (role > S.highestRole[i]) {
      world.counters.functionalUpgrades++;
      S.functionalUpgrades[i]++;
      S.highestRole[i] = role;
    }
  };
}
