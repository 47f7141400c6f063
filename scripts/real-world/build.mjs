// Builds the real backends the real-world suite runs against (Jaeger v2, HotROD, telemetrygen)
// into .cache/real-world/, reusing what is already built. Needs Go; a user of otrace never does.
//   node scripts/real-world/build.mjs        (npm run real-world:build)
import { buildTools, goVersion, TOOLS } from './tools.mjs';

const go = goVersion();
if (go === undefined) {
  process.stderr.write('real-world: go is not on the PATH; nothing to build (the real-world suite skips)\n');
  process.exit(1);
}
const started = Date.now();
process.stderr.write(`real-world: ${go}; building ${Object.keys(TOOLS).join(', ')} where not built yet\n`);
try {
  const done = buildTools(undefined, (line) => process.stderr.write(`real-world: ${line}\n`));
  for (const [name, result] of Object.entries(done))
    if (result.status === 'cached')
      process.stderr.write(`real-world: ${name} ${TOOLS[name].version}: already built\n`);
  process.stderr.write(`real-world: ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
} catch (error) {
  process.stderr.write(`real-world: ${error.message}\n`);
  process.exit(1);
}
