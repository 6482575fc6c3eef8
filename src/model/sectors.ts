/**
 * Process 8b — chain (inter-sectoral) upgrading. Entering another sector needs transferable
 * capability (mean of process, product and design above a threshold) and a trusted partner
 * already in that sector; big leaps also need a strong home innovation system, so the hazard
 * scales with institutions (Humphrey & Schmitz 2002, way out (d); Firm I, Kang & Kim 2023).
 */
import { NONE } from '../engine/columns.js';
import { eachActiveRow } from '../engine/kernel.js';
import { partnerArrays } from './networks.js';
import {
  DESIGN,
  PROCESS,
  PRODUCT,
  inSectorAt,
  stepProbability,
  supplierAt,
  type Supplier,
  type World,
} from './state.js';

export function transferableCapability(s: Supplier): number {
  return transferableCapabilityAt(s.columns.cap, s.ix);
}

/** transferableCapability for supplier row i of the cap column. */
export function transferableCapabilityAt(cap: Float64Array, i: number): number {
  return (cap[4 * i + PROCESS] + cap[4 * i + PRODUCT] + cap[4 * i + DESIGN]) / 3;
}

export function enterSectors(world: World): void {
  const { model: m, environment } = world.scenario;
  const threshold = m.sectors.capability_threshold;
  const entryRate = m.sectors.entry_rate;
  const institutions = environment.institutions;
  const dt = world.dt;
  const rng = world.streams.sectors;
  const S = world.supplierTable.cols;
  const T = world.tieTable.cols;
  const sectorOf = partnerArrays(world).sector; // by partner id
  eachActiveRow(world, (i) => {
    const x = transferableCapabilityAt(S.cap, i);
    if (x < threshold || threshold >= 1 || S.tieCount[i] === 0) return;
    const readiness = (x - threshold) / (1 - threshold);
    for (let k = S.tieFirst[i]; k !== NONE; k = T.nextOfSupplier[k]) {
      const sector = sectorOf[T.partner[k]];
      if (inSectorAt(S, i, sector)) continue;
      const rate = entryRate * T.trust[k] * institutions * readiness;
      if (rng() < stepProbability(rate, dt)) enterSector(world, supplierAt(world, i), sector);
    }
  });
}

/** Supplier `s` enters sector `sector` (a sector id): its list of sectors and their count grow. */
export function enterSector(world: World, s: Supplier, sector: number): void {
  s.addSector(sector);
  world.supplierTable.cols.sectorCount[s.ix]++;
  world.counters.chainUpgrades++;
}
