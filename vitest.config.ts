import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/fastCheck.ts'],
    // Property tests run thousands of simulated clusters; give them room, but a
    // hang is still a failure.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
