/** Types for the telemetrygen load, so that tests can use it. */
import type { RunningJaeger } from './jaeger.mjs';

export interface LoadResult {
  /** Spans telemetrygen was asked for: workers × traces × (1 + child spans). */
  readonly sent: number;
  /** Spans telemetrygen says it generated. */
  readonly generated: number;
  /** telemetrygen's wall time, start to exit (it exits once every export was answered). */
  readonly seconds: number;
  /** What otrace receive said it received, and what its --out file holds (absent for Jaeger). */
  readonly requests?: number;
  readonly received?: number;
  readonly written?: number;
  readonly peakRssMb?: number;
}
export declare function runLoad(options: {
  telemetrygen: string;
  protocol: 'grpc' | 'http';
  workers?: number;
  traces: number;
  childSpans?: number;
  jaeger?: RunningJaeger;
}): Promise<LoadResult>;
