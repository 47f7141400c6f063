import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One temporary folder for the run, removed after it; a line when the real-backend suite skips.
    globalSetup: ['test/global-setup.ts'],
    // Per test file: no process a test started may outlive it (the file fails, naming each).
    setupFiles: ['test/each-file-setup.ts'],
    // Per test: the real backends and the demo's services take seconds on a loaded machine.
    testTimeout: 30_000,
    // One test file per core: vitest's default leaves one core free, which on a 2-core machine
    // runs the files one at a time, and much of the suite waits on processes it started (the
    // real Jaeger, the demo's services), not on the CPU. 65 s against 101 s here.
    maxWorkers: availableParallelism(),
    // `npm run coverage`: what the tests run of src/ (in-process; processes they spawn are not seen).
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary', 'json-summary'] },
  },
});
