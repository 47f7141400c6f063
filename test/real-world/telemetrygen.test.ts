import { describe, expect, it } from 'vitest';
import { runLoad } from '../../scripts/real-world/load.mjs';
import { REAL_WORLD, toolPaths } from '../helpers/real-world.js';

/**
 * telemetrygen, the OpenTelemetry Collector project's load generator, as a real client of
 * `otrace receive`: 100,000 spans over each protocol, every one of them in the --out file.
 * (Its speed and memory are measured by `npm run bench:receive`, not here.)
 */
describe.skipIf(!REAL_WORLD.ready)('otrace receive under a telemetrygen load', () => {
  it.each(['grpc', 'http'] as const)(
    'OTLP/%s: 100,000 spans sent, 100,000 written',
    async (protocol) => {
      const result = await runLoad({
        telemetrygen: toolPaths().telemetrygen,
        protocol,
        workers: 2,
        traces: 25_000,
      });
      expect(result.sent).toBe(100_000);
      expect(result.generated).toBe(100_000);
      expect(result.received).toBe(100_000);
      expect(result.written).toBe(100_000);
    },
    300_000,
  );
});
