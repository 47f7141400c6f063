/** Types for the real-world traffic, so that tests can use it. */
import type { RunningJaeger } from './jaeger.mjs';

export interface ScenarioRun {
  readonly name: string;
  readonly status: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly traces: number;
}
export declare function sendSeedScenarios(
  jaeger: RunningJaeger,
  names?: readonly string[],
): Promise<ScenarioRun[]>;
export interface HotrodRequest {
  readonly customer: string;
  readonly burst?: boolean;
  readonly status: number;
  readonly body: string;
  readonly traceId: string;
}
export declare function driveHotrod(
  jaeger: RunningJaeger,
  hotrod: { frontendUrl: string },
  plan?: { sequential?: readonly string[]; burst?: number },
): Promise<HotrodRequest[]>;
