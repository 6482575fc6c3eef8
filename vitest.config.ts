import { defineConfig } from 'vitest/config';

// Timeouts guard against hangs only; nothing here measures speed. End-to-end tests spawn the
// CLI and run simulations, which on a loaded 2-core machine can take several times longer.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
