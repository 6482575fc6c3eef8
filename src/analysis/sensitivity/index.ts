/** Sensitivity analysis of sweep outputs; pairs with the designs in src/experiment/designs. */
export * from './stats.js';
export * from './sobol.js';
export * from './morris.js';
