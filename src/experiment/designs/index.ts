/** Sampling designs for parameter sweeps; one module per method (SALib style). */
export * from './types.js';
export * from './grid.js';
export * from './ofat.js';
export * from './lhs.js';
export * from './sobol-sequence.js';
export * from './saltelli.js';
export * from './morris.js';
