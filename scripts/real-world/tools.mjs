// The real backends otrace's real-world tests run against, built from source with Go into a
// cache folder the repository ignores (.cache/real-world/), and reused once built:
//   jaeger        Jaeger v2's all-in-one (OTLP receivers, memory storage, jaeger-query)
//   hotrod        Jaeger's demo app: real Go microservices instrumented with the OTel Go SDK
//   telemetrygen  the OpenTelemetry Collector project's load generator
// A user of otrace never needs Go: only these tests, the recorder and `npm run demo:jaeger` do.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CACHE_DIR = join(ROOT, '.cache', 'real-world');
const BIN_DIR = join(CACHE_DIR, 'bin');

const JAEGER_MODULE = 'github.com/jaegertracing/jaeger';
const JAEGER_VERSION = 'v1.76.0'; // Jaeger 2.13

/**
 * Each tool: its Go module and version, and the package in it. Jaeger's go.mod has a replace
 * directive, which `go install pkg@version` refuses, so Jaeger and HotROD are built inside the
 * downloaded module (its own go.mod and go.sum, read-only: exactly the upstream build).
 * telemetrygen's module forbids replace directives and installs as usual.
 */
export const TOOLS = {
  jaeger: { module: JAEGER_MODULE, version: JAEGER_VERSION, pkg: './cmd/jaeger' },
  hotrod: { module: JAEGER_MODULE, version: JAEGER_VERSION, pkg: './examples/hotrod' },
  telemetrygen: {
    module: 'github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen',
    version: 'v0.161.0',
    pkg: '.',
  },
};

/** Where a tool's binary is, once built: named with its version, so a new version builds anew. */
export function toolPath(name) {
  const tool = TOOLS[name];
  return join(BIN_DIR, `${name}-${tool.version}`);
}

/** Whether `go` runs here; the real-world suite needs it only to build. */
export function goVersion() {
  const result = spawnSync('go', ['version'], { encoding: 'utf8', timeout: 30_000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Every tool's path if all are built, else the names of those that are not. */
export function builtTools() {
  const missing = Object.keys(TOOLS).filter((name) => !existsSync(toolPath(name)));
  if (missing.length > 0) return { missing };
  return { paths: Object.fromEntries(Object.keys(TOOLS).map((name) => [name, toolPath(name)])) };
}

// GOTOOLCHAIN=local: never download another Go toolchain; fail with Go's own message instead.
const GO_ENV = { ...process.env, GOTOOLCHAIN: 'local' };

function go(args, cwd, env = {}) {
  const result = spawnSync('go', args, {
    cwd,
    env: { ...GO_ENV, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // A cold build of Jaeger downloads and compiles a few hundred modules on 2 cores.
    timeout: 40 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const said = `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.trim().split('\n');
    throw new Error(
      `go ${args.join(' ')} failed (${result.status ?? result.signal}):\n${said.slice(-20).join('\n')}`,
    );
  }
  return result.stdout;
}

/** The folder `go mod download` put the module in (read-only, in the module cache). */
function moduleDir(module, version) {
  const info = JSON.parse(go(['mod', 'download', '-json', `${module}@${version}`], CACHE_DIR));
  if (info.Error || !info.Dir)
    throw new Error(`go mod download ${module}@${version}: ${info.Error ?? 'no folder'}`);
  return info.Dir;
}

/**
 * Builds every tool not built yet; returns what it did per tool (`built` with seconds, or
 * `cached`). Throws with Go's last lines when a build fails. A binary is written under a
 * temporary name and renamed, so an interrupted build is never taken for a finished one.
 */
export function buildTools(names = Object.keys(TOOLS), log = () => {}) {
  mkdirSync(BIN_DIR, { recursive: true });
  const done = {};
  for (const name of names) {
    const tool = TOOLS[name];
    const target = toolPath(name);
    if (existsSync(target)) {
      done[name] = { status: 'cached', path: target };
      continue;
    }
    const started = Date.now();
    const partial = `${target}.partial`;
    rmSync(partial, { force: true });
    if (tool.module === JAEGER_MODULE) {
      const dir = moduleDir(tool.module, tool.version);
      go(['build', '-mod=readonly', '-o', partial, tool.pkg], dir);
    } else {
      // go install names the binary after the package; GOBIN is a scratch folder beside ours.
      const gobin = join(CACHE_DIR, `gobin-${name}`);
      rmSync(gobin, { recursive: true, force: true });
      go(['install', `${tool.module}@${tool.version}`], CACHE_DIR, { GOBIN: gobin });
      renameSync(join(gobin, name), partial);
      rmSync(gobin, { recursive: true, force: true });
    }
    renameSync(partial, target);
    done[name] = { status: 'built', seconds: (Date.now() - started) / 1000, path: target };
    log(`${name} ${tool.version}: built in ${done[name].seconds.toFixed(1)} s`);
  }
  return done;
}
