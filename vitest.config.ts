import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One temporary folder for the run, removed after it; a line when the real-backend suite skips.
    globalSetup: ['test/global-setup.ts'],
    // CLI tests spawn the built binary; give a loaded CI machine room.
    testTimeout: 30_000,
  },
});
