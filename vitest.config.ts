import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One temporary folder for the run, removed after it; a line when the real-backend suite skips.
    globalSetup: ['test/global-setup.ts'],
    // CLI tests spawn the built binary; give a loaded CI machine room.
    testTimeout: 30_000,
    // `npm run coverage`: what the tests run of src/ (in-process; processes they spawn are not seen).
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary', 'json-summary'] },
  },
});
