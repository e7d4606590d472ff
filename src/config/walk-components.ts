/**
 * Finds every component in a parsed Connect config the way Connect's own
 * config walker does: starting from the root fields that hold components and
 * descending only into the fields the catalogue says hold nested components.
 * Pure: a parsed tree and a catalogue in, a list of components out.
 */
import type { Catalogue, Category, Slot } from '../catalogue/catalogue.ts';
import { isObject } from '../lib/is-object.ts';

export interface ComponentRef {
  category: Category;
  /** The catalogue name, or `unknown` when the catalogue does not know it. */
  name: string;
  /** Connect's dotted path to the component node. Local use only: never sent. */
  path: string;
  /** False when the name is not in the catalogue (it is reported as `unknown`). */
  known: boolean;
  /**
   * For an unknown node, the names as written (its `type:` value, or the keys
   * that could have named it). Shown by `inspect` only: never sent or logged.
   */
  written?: string[];
  /** Why the node has this name; absent for a default. Shown by `inspect`. */
  naming?: Naming;
  /** True when the config left out this root component and Connect fills a default. */
  defaulted?: boolean;
}

export interface WalkOptions {
  /**
   * Count the defaults a main config gets for a missing input, buffer, output,
   * metrics or tracer. Off for resource files. A list restricts it to some
   * categories (stream files in streams mode count only input/buffer/output).
   */
  defaults: boolean | readonly Category[];
  /**
   * Which root fields to walk: all of them (a main or stream config), only
   * the `*_resources` fields (Connect reads nothing else from a resource
   * file, `-r`), or all but the stream fields input, buffer, pipeline and
   * output (the observability config of streams mode, `-o`).
   */
  rootFields?: 'all' | 'resources' | 'observability';
  /** Bounds that keep a hostile file from exhausting the stack or memory. */
  maxDepth?: number;
  maxComponents?: number;
}

export class WalkLimitError extends Error {}

type Mapping = Record<string, unknown>;


/**
 * Calls `found` with every value the slot's steps lead to and the path
 * segments taken, depth first and in document order. The segments array is
 * reused: copy it to keep it.
 */
function followSlot(value: unknown, slot: Slot, found: (node: unknown, segments: readonly string[]) => void): void {
  const steps = slot.steps;
  const segments: string[] = [];
  const follow = (current: unknown, stepIndex: number): void => {
    const step = steps[stepIndex];
    if (step === undefined) {
      found(current, segments);
      return;
    }
    if (step.kind === 'key') {
      if (!isObject(current)) return;
      const next = current[step.key];
      if (next === undefined || next === null) return;
      segments.push(step.key);
      follow(next, stepIndex + 1);
      segments.pop();
    } else if (step.kind === 'list') {
      if (!Array.isArray(current)) return;
      for (let i = 0; i < current.length; i++) {
        segments.push(String(i));
        follow(current[i], stepIndex + 1);
        segments.pop();
      }
    } else if (isObject(current)) {
      for (const key of Object.keys(current)) {
        segments.push(key);
        follow(current[key], stepIndex + 1);
        segments.pop();
      }
    }
  };
  follow(value, 0);
}

/**
 * How a component node got its name, as Connect decides it (benthos
 * `GetInferenceCandidateFromMap` and `getInferenceCandidateFromList`):
 * - a string `type:` names the component, and must be one the catalogue knows;
 * - otherwise every key that is not reserved for the category (label, type,
 *   plugin, meta, and shared fields such as an input's `processors`) is a
 *   candidate, and the one candidate the catalogue knows is the name; unknown
 *   extra keys (a mis-indented field, an in-house plugin) are ignored.
 * Connect refuses a node whose `type:` it does not know, or with no known
 * candidate, or two: such a node is counted once as `unknown`.
 * `keys` counts the candidates, `known` those the catalogue knows.
 */
export type Naming =
  | { rule: 'type' }
  | { rule: 'inferred'; keys: number }
  | { rule: 'unknown-type' }
  | { rule: 'no-known-key'; keys: number }
  | { rule: 'several-known-keys'; keys: number; known: number };

export interface NodeName {
  naming: Naming;
  /** The catalogue name, when the node has one. */
  name?: string;
  /** For an unknown node: the `type:` value, or the keys that could have named it. */
  written?: string[];
}

export function nameComponent(node: Mapping, category: Category, catalogue: Catalogue): NodeName {
  const type = node['type'];
  if (typeof type === 'string') {
    return catalogue.has(category, type) ? { naming: { rule: 'type' }, name: type } : { naming: { rule: 'unknown-type' }, written: [type] };
  }
  const candidates: string[] = [];
  const known: string[] = [];
  for (const key of Object.keys(node)) {
    if (catalogue.isSharedField(category, key)) continue;
    candidates.push(key);
    if (catalogue.has(category, key)) known.push(key);
  }
  const keys = candidates.length;
  if (known.length === 1) return { naming: { rule: 'inferred', keys }, name: known[0] as string };
  if (known.length === 0) return { naming: { rule: 'no-known-key', keys }, written: candidates };
  return { naming: { rule: 'several-known-keys', keys, known: known.length }, written: known };
}

const STREAM_FIELDS = new Set(['input', 'buffer', 'pipeline', 'output']);

function walksRootSlot(slot: Slot, fields: 'all' | 'resources' | 'observability'): boolean {
  const rootKey = slot.steps[0]?.kind === 'key' ? slot.steps[0].key : '';
  if (fields === 'resources') return rootKey.endsWith('_resources');
  if (fields === 'observability') return !STREAM_FIELDS.has(rootKey);
  return true;
}

/** Joins a dotted path, skipping empty parts (the root has none). */
const join = (prefix: string, segments: readonly string[]) =>
  [prefix, ...segments].filter((part) => part !== '').join('.');

export function walkComponents(root: unknown, catalogue: Catalogue, options: WalkOptions): ComponentRef[] {
  const maxDepth = options.maxDepth ?? 256;
  const maxComponents = options.maxComponents ?? 250_000;
  const found: ComponentRef[] = [];
  // Aliases can make a node its own ancestor; such a config is refused.
  const ancestors = new Set<unknown>();

  // Limit errors reach the logs, so they name only the top-level component
  // (`pipeline.processors.3`): deeper paths can hold user-chosen map keys,
  // such as workflow branch names.
  const visit = (node: unknown, category: Category, path: string, depth: number, top: string): void => {
    if (!isObject(node)) return;
    if (depth > maxDepth) throw new WalkLimitError(`components are nested more than ${maxDepth} levels deep under ${top}`);
    if (ancestors.has(node)) throw new WalkLimitError(`the config refers to itself through an alias under ${top}`);
    // An empty mapping names nothing, here as at the root (where it leaves the default).
    if (Object.keys(node).length === 0) return;
    if (found.length >= maxComponents) throw new WalkLimitError(`the config holds more than ${maxComponents} components`);
    const { naming, name, written } = nameComponent(node, category, catalogue);
    found.push(name !== undefined ? { category, name, path, known: true, naming } : { category, name: 'unknown', path, known: false, naming, written: written ?? [] });
    ancestors.add(node);
    if (name !== undefined) {
      // The component's own config sits under its name (or `plugin` in the old `type:` style).
      const config = node[name] !== undefined ? node[name] : node['plugin'];
      for (const slot of catalogue.childSlots(category, name)) {
        followSlot(config, slot, (child, segments) => visit(child, slot.category, join(path, [name, ...segments]), depth + 1, top));
      }
    }
    for (const slot of catalogue.sharedSlots(category)) {
      followSlot(node, slot, (child, segments) => visit(child, slot.category, join(path, segments), depth + 1, top));
    }
    ancestors.delete(node);
  };

  const tree = isObject(root) ? root : {};
  for (const slot of catalogue.rootSlots) {
    if (!walksRootSlot(slot, options.rootFields ?? 'all')) continue;
    const defaultName = catalogue.defaultsWhenAbsent[slot.category];
    const rootKey = slot.steps[0]?.kind === 'key' ? slot.steps[0].key : undefined;
    const countsDefault =
      options.defaults === true || (Array.isArray(options.defaults) && options.defaults.includes(slot.category));
    const present = rootKey !== undefined && isObject(tree[rootKey]) && Object.keys(tree[rootKey]).length > 0;
    if (!present && countsDefault && defaultName !== undefined && slot.steps.length === 1) {
      found.push({ category: slot.category, name: defaultName, path: slot.path, known: true, defaulted: true });
      continue;
    }
    followSlot(tree, slot, (node, segments) => {
      const path = join('', segments);
      visit(node, slot.category, path, 0, path);
    });
  }
  return found;
}
