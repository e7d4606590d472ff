/**
 * Generates the benchmark's configs at bench time, into a temporary
 * directory: a streams directory of realistic stream files (about 5 KB each)
 * and one large config with many components. Component names come from the
 * bundled catalogue; the generator is seeded, so every run sees the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalogue, Category } from '../src/catalogue/catalogue.ts';
import { seededRandom } from '../src/lib/random.ts';

interface Names {
  leaf: Record<'input' | 'processor' | 'output', string[]>;
}

/** Names whose own config holds no nested components: safe to fill with plain fields. */
function leafNames(catalogue: Catalogue): Names {
  const leaves = (category: Category) => catalogue.componentsOf(category).filter((name) => catalogue.childSlots(category, name).length === 0);
  return { leaf: { input: leaves('input'), processor: leaves('processor'), output: leaves('output') } };
}

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

const indent = (text: string, spaces: number) =>
  text
    .split('\n')
    .map((line) => (line === '' ? line : ' '.repeat(spaces) + line))
    .join('\n');

/** Plain fields of the kind real component configs carry (n distinct keys, n ≤ 6). */
function fields(random: () => number, n: number): string {
  const lines: string[] = [];
  const kinds = [0, 1, 2, 3, 4, 5];
  for (let i = 0; i < n; i++) {
    const kind = kinds.splice(Math.floor(random() * kinds.length), 1)[0];
    switch (kind) {
      case 0:
        lines.push(`address: "tcp://broker-${Math.floor(random() * 9)}.example.internal:${9000 + Math.floor(random() * 999)}"`);
        break;
      case 1:
        lines.push(`timeout: ${1 + Math.floor(random() * 60)}s`);
        break;
      case 2:
        lines.push(`topics: [ orders-${Math.floor(random() * 99)}, payments-${Math.floor(random() * 99)} ]`);
        break;
      case 3:
        lines.push(`max_in_flight: ${1 + Math.floor(random() * 64)}`);
        break;
      case 4:
        lines.push(`tls:\n  enabled: true\n  skip_cert_verify: false\n  root_cas_file: /etc/ssl/certs/ca-${i}.pem`);
        break;
      default:
        lines.push(`url: "https://api.example.com/v${1 + Math.floor(random() * 3)}/items/\${! this.id }"`);
    }
  }
  return lines.join('\n');
}

const MAPPING = [
  'root = this',
  'root.id = this.id.or(uuid_v4())',
  'root.amount = this.amount.number().catch(0)',
  'root.customer = this.customer.lowercase()',
  'root.received_at = now()',
  'root.tags = this.tags.or([]).map_each(t -> t.trim())',
];

/** One processor list item: mostly leaves, sometimes a nesting processor. */
function processor(random: () => number, names: Names, depth: number): string {
  const roll = random();
  if (depth < 2 && roll < 0.08) {
    return `- switch:\n    - check: this.type == "${pick(random, ['order', 'refund', 'event'])}"\n      processors:\n${indent(processors(random, names, 2, depth + 1), 8)}\n    - processors:\n${indent(processors(random, names, 1, depth + 1), 8)}`;
  }
  if (depth < 2 && roll < 0.14) return `- try:\n${indent(processors(random, names, 2, depth + 1), 4)}`;
  if (depth < 2 && roll < 0.18) return `- branch:\n    request_map: 'root = this.id'\n    processors:\n${indent(processors(random, names, 1, depth + 1), 6)}\n    result_map: 'root.enriched = this'`;
  if (roll < 0.45) return `- label: step_${Math.floor(random() * 1e6)}\n  mapping: |\n${indent(MAPPING.slice(0, 2 + Math.floor(random() * 4)).join('\n'), 4)}`;
  const name = pick(random, names.leaf.processor);
  return `- ${name}:\n${indent(fields(random, 1 + Math.floor(random() * 3)), 4)}`;
}

function processors(random: () => number, names: Names, n: number, depth: number): string {
  const items: string[] = [];
  for (let i = 0; i < n; i++) items.push(processor(random, names, depth));
  return items.join('\n');
}

/** One stream file of roughly `targetBytes`. */
export function streamFile(random: () => number, names: Names, targetBytes: number): string {
  const input = pick(random, names.leaf.input);
  const output = pick(random, names.leaf.output);
  let text = `# stream ${Math.floor(random() * 1e9).toString(36)}\ninput:\n  label: in\n  ${input}:\n${indent(fields(random, 3), 4)}\n`;
  text += `pipeline:\n  threads: ${1 + Math.floor(random() * 4)}\n  processors:\n`;
  const tail = `output:\n  label: out\n  ${output}:\n${indent(fields(random, 3), 4)}\n`;
  while (text.length + tail.length < targetBytes - 200) text += `${indent(processor(random, names, 0), 4)}\n`;
  return text + tail;
}

export interface GeneratedData {
  streamsDir: string;
  streamFiles: number;
  streamBytes: number;
  bigConfig: string;
  bigBytes: number;
  bigComponents: number;
}

/** Writes the streams directory and the large config under `root`. */
export function generate(root: string, catalogue: Catalogue, options = { streams: 2000, streamBytes: 5000, bigComponents: 20_000 }): GeneratedData {
  const random = seededRandom(6); // seeded: every run sees the same bytes
  const names = leafNames(catalogue);
  const streamsDir = join(root, 'streams');
  let streamBytes = 0;
  for (let i = 0; i < options.streams; i++) {
    // Connect's streams directories may nest; spread the files over a few folders.
    const dir = join(streamsDir, `team-${i % 8}`);
    mkdirSync(dir, { recursive: true });
    const text = streamFile(random, names, options.streamBytes);
    streamBytes += Buffer.byteLength(text);
    writeFileSync(join(dir, `stream-${String(i).padStart(4, '0')}.yaml`), text);
  }

  // One config holding many components: a long pipeline of labelled leaf
  // processors, each with a few fields (about 250 bytes per component, 5 MB in all).
  const parts = [`input:\n  ${pick(random, names.leaf.input)}:\n${indent(fields(random, 3), 4)}\npipeline:\n  processors:\n`];
  for (let i = 1; i < options.bigComponents - 1; i++) {
    const name = pick(random, names.leaf.processor);
    parts.push(`    - label: p${i}\n      ${name}:\n${indent(fields(random, 4), 8)}\n`);
  }
  parts.push(`output:\n  ${pick(random, names.leaf.output)}:\n${indent(fields(random, 3), 4)}\n`);
  const bigText = parts.join('');
  const bigConfig = join(root, 'big.yaml');
  writeFileSync(bigConfig, bigText);
  return {
    streamsDir,
    streamFiles: options.streams,
    streamBytes,
    bigConfig,
    bigBytes: Buffer.byteLength(bigText),
    bigComponents: options.bigComponents,
  };
}

export interface LargestConfigs {
  /** Realistic components (labelled leaf processors with fields), as many as the bounds allow. */
  components: { path: string; bytes: number; tokens: number; components: number };
  /** The costliest file within the bounds: tokens up to the token bound, the rest of the size bound in one double-quoted string (about 40 bytes of heap per byte). */
  dense: { path: string; bytes: number; tokens: number };
}

/** YAML tokens in `text`, counted as the parser's bound counts them. */
export function countTokens(text: string, lex: (text: string) => Iterable<string>): number {
  let count = 0;
  for (const _ of lex(text)) count++;
  return count;
}

/**
 * The largest configs the daemon accepts, just within both bounds (bytes and
 * YAML tokens): written under `root`, each checked against the bounds with
 * the same lexer the parser counts with.
 */
export function generateLargest(root: string, catalogue: Catalogue, bounds: { bytes: number; tokens: number }, lex: (text: string) => Iterable<string>): LargestConfigs {
  const random = seededRandom(7);
  const names = leafNames(catalogue);
  const head = `input:\n  ${pick(random, names.leaf.input)}:\n${indent(fields(random, 3), 4)}\noutput:\n  ${pick(random, names.leaf.output)}:\n${indent(fields(random, 3), 4)}\npipeline:\n  processors:\n`;
  const parts = [head];
  let tokens = countTokens(head, lex);
  let bytes = head.length;
  let count = 2;
  // Components one at a time until the next would cross a bound (1 % of the token bound kept as slack).
  for (;;) {
    const part = `    - label: p${count}\n      ${pick(random, names.leaf.processor)}:\n${indent(fields(random, 4), 8)}\n`;
    const partTokens = countTokens(`pipeline:\n  processors:\n${part}`, lex) - countTokens('pipeline:\n  processors:\n', lex);
    if (tokens + partTokens > bounds.tokens * 0.99 || bytes + part.length > bounds.bytes) break;
    parts.push(part);
    tokens += partTokens;
    bytes += part.length;
    count++;
  }
  const componentsText = parts.join('');
  const componentsPath = join(root, 'largest-components.yaml');
  writeFileSync(componentsPath, componentsText);

  // `[1,1,…]` costs the most heap per token; a double-quoted scalar the most per byte.
  const denseHead = 'input:\n  generate:\n    mapping: root = this\noutput:\n  drop: {}\nx:\n  items: [';
  const items = Math.floor((bounds.tokens * 0.99 - 40) / 3);
  const listed = `${denseHead}${Array(items).fill('1').join(',')}]\n  text: "`;
  const denseText = `${listed}${'a'.repeat(bounds.bytes - listed.length - 3)}"\n`;
  const densePath = join(root, 'largest-dense.yaml');
  writeFileSync(densePath, denseText);
  return {
    components: { path: componentsPath, bytes: Buffer.byteLength(componentsText), tokens: countTokens(componentsText, lex), components: count },
    dense: { path: densePath, bytes: Buffer.byteLength(denseText), tokens: countTokens(denseText, lex) },
  };
}
