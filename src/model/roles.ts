/**
 * Process 8a — roles. A supplier is ODM when it has design capability and designs what it
 * sells (for market or network buyers, or in its own channels); OBM when it also sells a
 * material share under its own brand, which needs marketing (own or a partner's) and design,
 * and independence (an affiliate in a hierarchy cannot run its own brand). It can hold several
 * roles at once; the highest is recorded. Each first rise of a supplier's highest role counts
 * as one functional upgrade.
 */
import { NONE } from '../engine/columns.js';
import { eachActiveSupplier, type SupplierBody } from '../engine/kernel.js';
import type { ModelParams } from '../scenario/types.js';
import { DESIGN, OBM, ODM, OEM, typeCode, type Role, type Supplier, type World } from './state.js';

const HIERARCHY = typeCode('hierarchy');

export function isOdm(s: Supplier, m: ModelParams): boolean {
  return s.cap[DESIGN] >= m.roles.odm_design && s.ownDesignVolume > 0;
}

export function isObm(s: Supplier, world: World): boolean {
  const m = world.scenario.model;
  const sales = s.exportVolume + s.domesticVolume + s.sectorVolume;
  if (sales <= 0 || !canRunOwnBrand(s, world)) return false;
  return s.ownBrandVolume / sales >= m.roles.obm_min_share;
}

/** Design enough for an own brand, and independent: not an affiliate selling half its output in a hierarchy. */
function canRunOwnBrand(s: Supplier, world: World): boolean {
  if (s.cap[DESIGN] < world.scenario.model.roles.obm_design) return false;
  const R = world.relationshipTable.cols;
  for (let k = world.supplierTable.cols.relFirst[s.ix]; k !== NONE; k = R.nextOfSupplier[k])
    if (R.type[k] === HIERARCHY && R.salesShare[k] >= 0.5) return false;
  return true;
}

/**
 * The supplier's sales this step split by the kind of work (units/step; the three sum to its
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
export function workVolumes(s: Supplier, world: World): { oem: number; odm: number; obm: number } {
  const m = world.scenario.model;
  const sales = s.exportVolume + s.domesticVolume + s.sectorVolume;
  // Differences of sums: a rounding residue (relative 1e-9) is no work done.
  const residue = 1e-9 * sales;
  const obm = s.ownBrandVolume > 0 && canRunOwnBrand(s, world) ? s.ownBrandVolume : 0;
  let odm = s.cap[DESIGN] >= m.roles.odm_design ? s.ownDesignVolume - obm : 0;
  if (odm <= residue) odm = 0;
  let oem = sales - odm - obm;
  if (oem <= residue) oem = 0;
  return { oem, odm, obm };
}

export function roleOf(s: Supplier, world: World): Role {
  return isObm(s, world) ? OBM : isOdm(s, world.scenario.model) ? ODM : OEM;
}

export function updateRoles(world: World): void {
  eachActiveSupplier(world, updateRolesBody(world));
}

/**
 * updateRoles for one supplier, with its per-step preparation done once: the body the
 * engine runs for each active supplier (kernel.ts, eachActiveSupplier, or tile by tile with
 * the other order-independent processes, runTiled).
 */
export function updateRolesBody(world: World): SupplierBody {
  const m = world.scenario.model;
  const S = world.supplierTable.cols;
  return (s, i) => {
    const odm = isOdm(s, m);
    const obm = isObm(s, world);
    const role = obm ? OBM : odm ? ODM : OEM;
    S.role[i] = role;
    if (odm && s.stepOdm === null) s.stepOdm = world.step;
    if (obm && s.stepObm === null) s.stepObm = world.step;
    if (role > S.highestRole[i]) {
      world.counters.functionalUpgrades++;
      S.functionalUpgrades[i]++;
      S.highestRole[i] = role;
    }
  };
}
