// Regenerates the bundled catalogue from the component facts in ../shared/connect/.
// Usage: node scripts/generate-catalogue.ts [facts.json] [out.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalogueFromFacts } from '../src/catalogue/from-facts.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const factsPath = process.argv[2] ?? here('../../shared/connect/catalog.json');
const facts = JSON.parse(readFileSync(factsPath, 'utf8')) as unknown;
const data = catalogueFromFacts(facts);
const outPath = process.argv[3] ?? here(`../src/catalogue/connect-${data.connectVersion}.json`);
writeFileSync(outPath, JSON.stringify(data, null, 1) + '\n');
console.log(`wrote ${outPath}`);
