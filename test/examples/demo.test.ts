import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runScript } from '../helpers/run-cli.js';

/**
 * `npm run demo` end to end: otrace receive on a free port, the real-SDK services exporting over
 * OTLP/gRPC, each scenario, then show, check-propagation and errors on what was received.
 */
describe('the seed demo', () => {
  it('receives every scenario and shows the failures, the timeout and the broken propagation', async () => {
    const { code, stdout } = await runScript(process.execPath, [
      join(REPO_ROOT, 'examples/seed/run-demo.mjs'),
    ]);
    expect(code).toBe(0);
    // Every scenario answered as the seed says.
    expect(stdout).toContain('order-service healthy: GET /users/42/profile answered 200\n');
    expect(stdout).toContain('order-service down (connection refused): GET /users/42/profile answered 502\n');
    expect(stdout).toContain(
      "order-service slow (the caller's 5 s timeout fires): GET /users/42/profile answered 504\n",
    );
    expect(stdout).toContain('order-service ignores the trace context: GET /users/42/profile answered 200\n');
    // The live tail, then the trees.
    expect(stdout).toMatch(/receive │ ✗ [0-9a-f]{32} {2}GET \(user-service\) {2}6\.\ds/);
    expect(stdout).toMatch(/get_user_orders \(user-service\) 5\.0s\*? {2}✗ TIMEOUT \(TimeoutError\)/);
    expect(stdout).toMatch(/└─ ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/query_orders \(order-service\) → 127\.0\.0\.1:5432 6\.0s\*? {2}◀ SLOW/);
    // The propagation check names the broken call.
    expect(stdout).toMatch(/✗ split-trace {2}trace [0-9a-f]{32}/);
    expect(stdout).toContain('order-service continued 2 of 3 calls from user-service.');
    // No trace was shown before its root arrived.
    expect(stdout).not.toContain('[root missing]');
  }, 90_000);
});
