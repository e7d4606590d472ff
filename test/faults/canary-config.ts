/**
 * Random Connect-like configs with canary strings in every value, label, key,
 * interpolation, environment value, comment and unknown component name, and
 * the check that a payload holds none of them. Shared by the library,
 * --dry-run and daemon privacy tests.
 *
 * The generator also says which components a report of its config must
 * carry: it knows what it put where, so the tests never ask the code under
 * test for the expected value. It takes only the catalogue's data (which
 * names exist, where nested components sit) and Connect's root defaults,
 * written out below.
 */
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { CATEGORIES, type Category, type Slot, type Step } from '../../src/catalogue/catalogue.ts';
import { bundledCatalogue } from '../../src/catalogue/load-catalogue.ts';
import { readHostInfo } from '../../src/sidecar/send/host-info.ts';
import type { Payload } from '../../src/sidecar/send/payload.ts';

const catalogue = bundledCatalogue();
const host = readHostInfo();
export const MARK = 'cnry';

type Tree = Record<string, unknown>;

/** Everything random a config needs, drawn up front so fast-check can shrink it. */
interface Draw {
  rng: () => number;
  canary: () => string;
}

/** A config and everything secret in it. */
export interface Generated {
  text: string;
  env: Record<string, string>;
  canaries: Set<string>;
  /**
   * The payload's components for this config as a main config: each
   * component placed (`unknown` for a name not in the catalogue), plus Connect's default for each root field left out, in the
   * walker's order (root fields in Connect's order; each component before
   * the components inside it, its own slots before the shared ones).
   */
  components: { type: string; name: string }[];
}

/** Connect's defaults for a main config's root fields that are left out. */
const ROOT_DEFAULTS: Record<string, string> = {
  input: 'input/stdin',
  buffer: 'buffer/none',
  output: 'output/stdout',
  metrics: 'metrics/prometheus',
  tracer: 'tracer/none',
};

function makeDraw(seed: number): Draw {
  let x = seed >>> 0 || 1;
  const rng = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  let n = 0;
  const canary = () => `${MARK}${(n++).toString(36)}x${Math.floor(rng() * 36 ** 5).toString(36)}`;
  return { rng, canary };
}

/** Two slots clash when one needs a list (or a component) where the other needs a mapping. */
function compatible(a: readonly Step[], b: readonly Step[]): boolean {
  for (let i = 0; ; i++) {
    const x = a[i];
    const y = b[i];
    // One slot ends where the other goes on: a component cannot also be a mapping or list.
    if (x === undefined || y === undefined) return false;
    if (x.kind !== y.kind) return false;
    if (x.kind === 'key' && y.kind === 'key' && x.key !== y.key) return true;
  }
}

function merge(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: Tree = { ...(a as Tree) };
    for (const [k, v] of Object.entries(b as Tree)) out[k] = k in out ? merge(out[k], v) : v;
    return out;
  }
  throw new Error('slot shapes clash');
}

export function generate(seed: number): Generated {
  const { rng, canary } = makeDraw(seed);
  const canaries = new Set<string>();
  const env: Record<string, string> = {};
  /** `category/name` of each component placed, `unknown` for names not in the catalogue. */
  const placed: string[] = [];
  const secret = () => {
    const c = canary();
    canaries.add(c);
    return c;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
  /** A secret value: plain, or an env reference (set, empty or unset) with a secret default. */
  const value = (): string => {
    const roll = rng();
    if (roll < 0.6) return secret();
    const name = secret().toUpperCase();
    canaries.add(name);
    const fallback = secret();
    if (roll < 0.8) env[name] = secret();
    else if (roll < 0.9) env[name] = '';
    return rng() < 0.5 ? `\${${name}:${fallback}}` : `\${${name}}`;
  };
  const extraFields = (into: Tree, depth: number) => {
    const count = Math.floor(rng() * 3);
    for (let i = 0; i < count; i++) {
      const roll = rng();
      into[secret()] = roll < 0.5 ? value() : roll < 0.7 ? [value(), value()] : roll < 0.8 ? Math.floor(rng() * 1e6) : depth < 3 ? { [secret()]: value() } : value();
    }
  };

  let budget = 40;
  const component = (category: Category, depth: number): Tree => {
    budget--;
    const known = rng() < 0.8 && catalogue.componentsOf(category).length > 0;
    let name: string;
    if (known) {
      name = pick(catalogue.componentsOf(category));
    } else if (rng() < 0.3) {
      // The unknown name arrives through the environment.
      const variable = secret().toUpperCase();
      canaries.add(variable);
      env[variable] = secret();
      name = `\${${variable}}`;
    } else {
      name = secret();
    }
    placed.push(`${category}/${known ? name : 'unknown'}`);
    const slots = known && depth < 4 && budget > 0 ? catalogue.childSlots(category, name) : [];
    const chosen: Slot[] = [];
    for (const slot of slots) if (rng() < 0.7 && chosen.every((other) => compatible(other.steps, slot.steps))) chosen.push(slot);
    let config: unknown = undefined;
    for (const slot of chosen) {
      const filled = fill(slot.steps, slot.category, depth);
      config = config === undefined ? filled : merge(config, filled);
    }
    // Some components' whole config is a component or a list of them
    // (reject_errored, try): any key put there would be a component too.
    const wholeConfigIsSlot = known && catalogue.childSlots(category, name).some((s) => s.steps[0]?.kind !== 'key');
    if (config === undefined) config = wholeConfigIsSlot || rng() < 0.5 ? {} : value();
    if (!wholeConfigIsSlot && config && typeof config === 'object' && !Array.isArray(config) && chosen.every((s) => s.steps[0]?.kind === 'key')) {
      extraFields(config as Tree, depth);
    }
    const node: Tree = {};
    const typed = rng() < 0.2;
    if (typed) node['type'] = name;
    node[name] = config;
    if (catalogue.isSharedField(category, 'label') && rng() < 0.5) node['label'] = value();
    for (const slot of catalogue.sharedSlots(category)) {
      const first = slot.steps[0];
      if (first?.kind === 'key' && catalogue.isSharedField(category, first.key) && depth < 4 && budget > 0 && rng() < 0.3) {
        node[first.key] = (fill(slot.steps, slot.category, depth) as Tree)[first.key];
      }
    }
    return node;
  };
  const fill = (steps: readonly Step[], category: Category, depth: number): unknown => {
    const [step, ...rest] = steps;
    if (step === undefined) return component(category, depth + 1);
    if (step.kind === 'key') return { [step.key]: fill(rest, category, depth) };
    if (step.kind === 'list') return Array.from({ length: 1 + Math.floor(rng() * 2) }, () => fill(rest, category, depth));
    return { [secret()]: fill(rest, category, depth) };
  };

  let tree: Tree = {};
  const expected: string[] = [];
  for (const slot of catalogue.rootSlots) {
    const before = placed.length;
    if (rng() < 0.6) tree = merge(tree, fill(slot.steps, slot.category, -1)) as Tree;
    const filled = placed.slice(before);
    const fallback = ROOT_DEFAULTS[slot.path];
    expected.push(...(filled.length === 0 && fallback !== undefined ? [fallback] : filled));
  }
  extraFields(tree, 0);
  // Comments with secrets between lines and after values.
  const lines = stringify(tree, { lineWidth: 0 }).split('\n');
  const text = lines
    .map((line) => {
      const roll = rng();
      if (roll < 0.2) return `# ${secret()} ${secret()}\n${line}`;
      if (roll < 0.35 && line.trim() !== '' && !line.trimEnd().endsWith('|') && !line.trimEnd().endsWith('>')) return `${line} # ${secret()}`;
      return line;
    })
    .join('\n');
  for (const value of Object.values(env)) if (value !== '') canaries.add(value);
  const components = expected.map((key) => {
    const [type = '', name = ''] = key.split('/');
    return { type, name };
  });
  return { text, env, canaries, components };
}


export function assertClean(payload: Payload, generated: Pick<Generated, 'canaries'>, instanceId: string) {
  const json = JSON.stringify(payload);
  assert.ok(!json.toLowerCase().includes(MARK), `a canary reached the payload: ${json.slice(0, 400)}`);
  for (const canary of generated.canaries) assert.ok(!json.includes(canary), `canary ${canary} in the payload`);
  // Every string is the ID, a category, a catalogue name, `unknown` or a host fact.
  assert.equal(payload.id, instanceId);
  assert.deepEqual(Object.keys(payload).sort(), ['components', 'hostInfo', 'id', 'uptime']);
  for (const c of payload.components) {
    assert.deepEqual(Object.keys(c).sort(), ['name', 'type']);
    assert.ok((CATEGORIES as readonly string[]).includes(c.type), c.type);
    assert.ok(c.name === 'unknown' || catalogue.has(c.type, c.name), `${c.type}/${c.name}`);
  }
  assert.deepEqual(payload.hostInfo, host);
}

