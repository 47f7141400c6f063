// npm run schemas: writes schemas/<command>.schema.json, the JSON Schemas of otrace's JSON
// output, from the zod schemas that define them (run after a build).
import { mkdirSync, writeFileSync } from 'node:fs';
import { JSON_CONTRACTS, jsonSchemaOf } from '../dist/render/json-schemas.js';

const dir = new URL('../schemas/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const name of Object.keys(JSON_CONTRACTS)) {
  writeFileSync(new URL(`${name}.schema.json`, dir), jsonSchemaOf(name));
  process.stdout.write(`schemas/${name}.schema.json\n`);
}
