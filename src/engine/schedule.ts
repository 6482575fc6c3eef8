/**
 * The order of processes within a step (docs/ODD.md §3). Order matters:
 * prices use this step's orders; learning uses this step's sales shares; investment uses this
 * step's profit; sanctions and search see the capabilities the step produced; roles are
 * judged on the step's sales before observation.
 */
import { advanceEnvironment } from '../model/environment.js';
import { updateRelationshipTypes } from '../model/governance.js';
import { depreciateUnused, learnFromBuyers } from '../model/learning.js';
import { invest } from '../model/investment.js';
import { learnFromNetwork, updateTies } from '../model/networks.js';
import { allocateOrders } from '../model/orders.js';
import { enterSuppliers, exitLossMakers } from '../model/population.js';
import { settlePricesAndMargins } from '../model/prices.js';
import { updateRoles } from '../model/roles.js';
import { resourceTies } from '../model/resourcing.js';
import { respondToEncroachment } from '../model/sanctions.js';
import { adjustDomesticReserve, dropAndRecruit, searchForBuyers } from '../model/search.js';
import { enterSectors } from '../model/sectors.js';
import type { World } from '../model/state.js';

export interface ScheduledProcess {
  /** Conceptual process number (docs/ODD.md §3) and a short name, e.g. "1a environment". */
  name: string;
  run: (world: World) => void;
}

export const SCHEDULE: readonly ScheduledProcess[] = [
  { name: '1a environment', run: advanceEnvironment },
  { name: '1b orders', run: allocateOrders },
  { name: '2 prices and margins', run: settlePricesAndMargins },
  { name: '3a learning from buyers', run: learnFromBuyers },
  { name: '4 learning from the network', run: learnFromNetwork },
  { name: '5 investment', run: invest },
  { name: '3b decay of unused capabilities', run: depreciateUnused },
  { name: '8a roles', run: updateRoles },
  { name: '6a sanctions', run: respondToEncroachment },
  { name: '6b relationship types', run: updateRelationshipTypes },
  { name: '7a buyer search and succession', run: searchForBuyers },
  { name: '7b buyers drop and recruit', run: dropAndRecruit },
  { name: '7e re-sourcing', run: resourceTies },
  { name: '7c domestic channel', run: adjustDomesticReserve },
  { name: '7d network ties', run: updateTies },
  { name: '8b sectors', run: enterSectors },
  { name: '8c exit and entry', run: (w) => (exitLossMakers(w), enterSuppliers(w)) },
];
