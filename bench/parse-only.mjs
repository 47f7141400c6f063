// The floor for reading a JSON Lines export: stream it, parse every line, keep nothing.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

let spans = 0;
const lines = createInterface({
  input: createReadStream(process.argv[2]),
  crlfDelay: Number.POSITIVE_INFINITY,
});
for await (const line of lines) {
  if (line.trim() === '') continue;
  for (const rs of JSON.parse(line).resourceSpans ?? [])
    for (const ss of rs.scopeSpans ?? []) spans += ss.spans?.length ?? 0;
}
process.stdout.write(`${spans}\n`);
