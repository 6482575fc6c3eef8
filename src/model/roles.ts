/**
 * Process 8a — roles. A supplier is ODM when it has design capability and designs what it
 * sells (for market or network buyers, or in its own channels); OBM when it also sells a
 * material share under its own brand, which needs marketing (own or a partner's) and design,
 * and independence (an affiliate in a hierarchy cannot run its own brand). It can hold several
 * roles at once; the highest is recorded. Each first rise of a supplier's highest role counts
 * as one functional upgrade.
 */
import type { ModelParams } from '../scenario/types.js';
import { DESIGN, OBM, ODM, OEM, type Role, type Supplier, type World } from './state.js';

export function isOdm(s: Supplier, m: ModelParams): boolean {
  return s.cap[DESIGN] >= m.roles.odm_design && s.ownDesignVolume > 0;
}

export function isObm(s: Supplier, m: ModelParams): boolean {
  const sales = s.exportVolume + s.domesticVolume + s.sectorVolume;
  if (sales <= 0 || s.cap[DESIGN] < m.roles.obm_design) return false;
  for (const r of s.relationships) if (r.type === 'hierarchy' && r.salesShare >= 0.5) return false;
  return s.ownBrandVolume / sales >= m.roles.obm_min_share;
}

export function roleOf(s: Supplier, m: ModelParams): Role {
  return isObm(s, m) ? OBM : isOdm(s, m) ? ODM : OEM;
}

export function updateRoles(world: World): void {
  const m = world.scenario.model;
  for (const s of world.suppliers) {
    if (!s.active) continue;
    const odm = isOdm(s, m);
    const obm = isObm(s, m);
    s.role = obm ? OBM : odm ? ODM : OEM;
    if (odm && s.stepOdm === null) s.stepOdm = world.step;
    if (obm && s.stepObm === null) s.stepObm = world.step;
    if (s.role > s.highestRole) {
      world.counters.functionalUpgrades++;
      s.highestRole = s.role;
    }
  }
}
