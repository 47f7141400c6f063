// The floor for a whole JSON document: read it, JSON.parse it once, visit every element.
import { readFileSync } from 'node:fs';

const doc = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let visited = 0;
for (const item of doc) if (item !== undefined) visited++;
process.stdout.write(`${visited}\n`);
