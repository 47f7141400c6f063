import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Says in one line when the real-backend suite (Jaeger, HotROD, telemetrygen) skips.
    globalSetup: ['test/real-world/global-setup.ts'],
    // CLI tests spawn the built binary; give a loaded CI machine room.
    testTimeout: 30_000,
  },
});
