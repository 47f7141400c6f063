import { afterAll, beforeAll } from 'vitest';
import { type RunningJaeger, startJaeger } from '../../scripts/real-world/jaeger.mjs';
import { builtTools, goVersion, type ToolName } from '../../scripts/real-world/tools.mjs';

/**
 * Whether the real-world suite (test/real-world/) can run here: Jaeger, HotROD and telemetrygen
 * built from source (`npm run real-world:build`, which .ci/run does wherever Go is). Where they
 * are not, the suite skips and vitest's global setup says why in one line; with
 * OTRACE_REAL_WORLD=required (.ci/run sets it when Go is there) a missing tool fails the run.
 */
export type RealWorld =
  | { readonly ready: true; readonly paths: Readonly<Record<ToolName, string>> }
  | { readonly ready: false; readonly reason: string };

export function realWorld(): RealWorld {
  const built = builtTools();
  if (built.paths) return { ready: true, paths: built.paths };
  const reason =
    goVersion() === undefined
      ? 'go is not on the PATH (only the real-backend tests need it)'
      : `${built.missing.join(', ')} not built yet: run npm run real-world:build`;
  return { ready: false, reason };
}

export const REAL_WORLD = realWorld();

/** The built tools' paths; only called inside a suite that skips when they are not there. */
export function toolPaths(): Readonly<Record<ToolName, string>> {
  if (!REAL_WORLD.ready) throw new Error(`real-world tools: ${REAL_WORLD.reason}`);
  return REAL_WORLD.paths;
}

/**
 * A real Jaeger for the test file: started before its tests (then `seed` runs), stopped after
 * them, failed or not. Returns a getter for the running Jaeger.
 */
export function useRealJaeger(
  seed: (jaeger: RunningJaeger) => Promise<void> = async () => {},
): () => RunningJaeger {
  let jaeger: RunningJaeger | undefined;
  if (!REAL_WORLD.ready) return () => toolPaths() as never;
  beforeAll(async () => {
    jaeger = await startJaeger(toolPaths().jaeger);
    await seed(jaeger);
  }, 180_000);
  afterAll(async () => {
    await jaeger?.stop();
  });
  return () => {
    if (!jaeger) throw new Error('Jaeger did not start');
    return jaeger;
  };
}
