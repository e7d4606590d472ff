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
  /** The name as written, kept only for local debug output of unknown names. */
  writtenName?: string;
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
   * Walk only the `*_resources` root fields: Connect reads nothing else from a
   * resource file (`-r`).
   */
  resourcesOnly?: boolean;
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

/** The name a component node declares: `type:` if present, else its one non-shared key. */
export function componentName(node: Mapping, category: Category, catalogue: Catalogue): string | undefined {
  if (typeof node['type'] === 'string' && node['type'] !== '') return node['type'];
  let found: string | undefined;
  for (const key of Object.keys(node)) {
    if (catalogue.isSharedField(category, key)) continue;
    if (found !== undefined) return undefined; // several candidates: Connect cannot infer one either
    found = key;
  }
  return found;
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
    const written = componentName(node, category, catalogue);
    if (written === undefined) return;
    if (found.length >= maxComponents) throw new WalkLimitError(`the config holds more than ${maxComponents} components`);
    const known = catalogue.has(category, written);
    found.push(known ? { category, name: written, path, known } : { category, name: 'unknown', path, known, writtenName: written });
    ancestors.add(node);
    if (known) {
      // The component's own config sits under its name (or `plugin` in the old `type:` style).
      const config = node[written] !== undefined ? node[written] : node['plugin'];
      for (const slot of catalogue.childSlots(category, written)) {
        followSlot(config, slot, (child, segments) => visit(child, slot.category, join(path, [written, ...segments]), depth + 1, top));
      }
    }
    for (const slot of catalogue.sharedSlots(category)) {
      followSlot(node, slot, (child, segments) => visit(child, slot.category, join(path, segments), depth + 1, top));
    }
    ancestors.delete(node);
  };

  const tree = isObject(root) ? root : {};
  for (const slot of catalogue.rootSlots) {
    if (options.resourcesOnly && !/_resources\b/.test(slot.path)) continue;
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
