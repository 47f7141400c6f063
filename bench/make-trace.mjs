// Writes one trace of `spans` spans as a single-line OTLP JSON document, the way a UI download or
// an API answer holds it. Two shapes, both deterministic:
//   wide: a request fanning out over ten services: root → 100 handlers → leaf calls beneath each
//         (a batch job, a fan-out over shards); every 50th leaf fails with an exception.
//   deep: a chain, each span the only child of the one before (recursion, a long middleware
//         stack, a span leak): 100,000 spans are 100,000 levels.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const SERVICES = Array.from({ length: 10 }, (_, i) => `service-${i}`);
const FAN_OUT = 100;

const hex = (n, chars) => n.toString(16).padStart(chars, '0');
const str = (key, value) => ({ key, value: { stringValue: value } });

/** `{ path, spans, traceId }` once written. */
export async function makeTrace(path, spans, shape) {
  if (shape !== 'wide' && shape !== 'deep') throw new Error(`shape: wide or deep, not ${shape}`);
  const traceId = hex(0xabc0ffeen, 32);
  const start = 1_790_000_000_000_000_000n;
  const byService = new Map(SERVICES.map((s) => [s, []]));
  for (let i = 0; i < spans; i++) {
    let parent;
    let depth;
    if (shape === 'deep') {
      parent = i === 0 ? undefined : i - 1;
      depth = i;
    } else {
      parent = i === 0 ? undefined : i <= FAN_OUT ? 0 : 1 + ((i - FAN_OUT - 1) % FAN_OUT);
      depth = i === 0 ? 0 : i <= FAN_OUT ? 1 : 2;
    }
    const service = SERVICES[shape === 'deep' ? Math.floor(i / 1000) % SERVICES.length : i % SERVICES.length];
    // Children start after their parent and end before it: 1 µs per level in a chain, spread in a fan-out.
    const from = start + BigInt(shape === 'deep' ? depth * 1000 : depth * 1000 + i);
    const to =
      start + BigInt(shape === 'deep' ? 2 * spans * 1000 - depth * 1000 : 10 * spans * 1000 - depth * 1000);
    const failing = shape === 'wide' && depth === 2 && i % 50 === 0;
    byService.get(service).push({
      traceId,
      spanId: hex(BigInt(i + 1), 16),
      ...(parent === undefined ? {} : { parentSpanId: hex(BigInt(parent + 1), 16) }),
      name: depth === 0 ? 'GET /batch' : depth === 1 && shape === 'wide' ? `shard ${i}` : `step ${i}`,
      kind: depth === 0 ? 2 : 1,
      startTimeUnixNano: String(from),
      endTimeUnixNano: String(to),
      attributes: [str('code.function', `step${i % 97}`), str('thread.name', 'main')],
      status: failing ? { code: 2, message: `shard ${i} failed` } : {},
      events: failing
        ? [
            {
              timeUnixNano: String(from),
              name: 'exception',
              attributes: [
                str('exception.type', 'ShardError'),
                str('exception.message', `shard ${i} failed`),
              ],
            },
          ]
        : [],
    });
  }
  const doc = {
    resourceSpans: SERVICES.filter((s) => byService.get(s).length > 0).map((service) => ({
      resource: { attributes: [str('service.name', service)] },
      scopeSpans: [{ scope: { name: 'bench' }, spans: byService.get(service) }],
    })),
  };
  const out = createWriteStream(path);
  out.write(JSON.stringify(doc));
  out.end('\n');
  await once(out, 'finish');
  return { path, spans, traceId };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, spans, shape] = process.argv.slice(2);
  const result = await makeTrace(path, Number(spans ?? 100_000), shape ?? 'wide');
  console.log(`${path}: one ${shape ?? 'wide'} trace of ${result.spans} spans`);
}
