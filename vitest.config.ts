import { defineConfig } from 'vitest/config';

// Timeouts guard against hangs only; nothing here measures speed. End-to-end tests spawn the
// CLI and run simulations, which on a loaded 2-core machine can take several times longer.
// Property-based tests use a fixed seed (tests/setup-fast-check.ts; FC_SEED overrides it).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 600_000,
    setupFiles: ['tests/setup-fast-check.ts'],
  },
});
