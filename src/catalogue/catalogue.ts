/**
 * The component catalogue: which component names exist in each category and
 * where, inside each component's config, nested components may sit.
 *
 * The walker trusts only the catalogue: a key is a component only where the
 * catalogue puts one, so field values and labels can never be mistaken for
 * plugin names.
 */

export const CATEGORIES = [
  'input',
  'buffer',
  'processor',
  'output',
  'cache',
  'rate_limit',
  'metrics',
  'tracer',
  'scanner',
] as const;

export type Category = (typeof CATEGORIES)[number];

/** The name a component not in the catalogue goes by in a report: its own name is never sent or stored. */
export const UNKNOWN_COMPONENT = 'unknown';

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

/**
 * A place where nested components sit, written in dotted notation relative to
 * a config: `cases[].output`, `branches{}.processors[]`, `[]` (the config is a
 * list of components) or `` (the config is one component).
 */
export interface SlotSpec {
  path: string;
  category: Category;
}

/** The catalogue as stored on disk (`connect-<version>.json`). */
export interface CatalogueData {
  /** Format of this file; bumped when its shape changes. */
  format: 1;
  /** The Connect version the names were read from. */
  connectVersion: string;
  /** Where the facts came from, in a few words. */
  source: string;
  root: {
    /** Component-holding root fields, in the order Connect visits them. */
    slots: SlotSpec[];
    /** Root components a main config gets when it leaves them out. */
    defaultsWhenAbsent: Partial<Record<Category, string>>;
  };
  categories: Record<Category, CategoryData>;
}

export interface CategoryData {
  /** Keys any component of the category may carry beside its name. */
  sharedFields: string[];
  /** Nested components every component of the category may hold. */
  sharedSlots: SlotSpec[];
  /** Component name → where its own config holds nested components. */
  components: Record<string, SlotSpec[]>;
}

/** One step along a slot path. */
export type Step = { kind: 'key'; key: string } | { kind: 'list' } | { kind: 'map' };

export interface Slot {
  /** The slot as written, for messages. */
  path: string;
  steps: Step[];
  category: Category;
}

export interface Catalogue {
  connectVersion: string;
  source: string;
  rootSlots: readonly Slot[];
  defaultsWhenAbsent: Partial<Record<Category, string>>;
  has(category: Category, name: string): boolean;
  /** Keys that never name the component (label, type, shared fields…). */
  isSharedField(category: Category, key: string): boolean;
  sharedSlots(category: Category): readonly Slot[];
  /** Slots inside the named component's own config; empty if it has none. */
  childSlots(category: Category, name: string): readonly Slot[];
  componentsOf(category: Category): readonly string[];
  size(): number;
}

/**
 * Keys that never name a component, whatever the category (Connect's
 * reserved fields). `label` is reserved only where the category has one
 * (input, processor, output, cache, rate_limit), so it comes from the data.
 */
const ALWAYS_SHARED = ['type', 'plugin', 'meta'];

/** Parses slot notation (`a.b[]`, `x{}.y`, `[]`, ``) into steps. */
export function parseSlotPath(path: string): Step[] {
  const steps: Step[] = [];
  if (path === '') return steps;
  for (const segment of path.split('.')) {
    const match = /^([^[\]{}]*)((?:\[\]|\{\})*)$/.exec(segment);
    if (!match) throw new Error(`bad slot path "${path}"`);
    const [, key = '', suffixes = ''] = match;
    if (key !== '') steps.push({ kind: 'key', key });
    for (let i = 0; i < suffixes.length; i += 2) {
      steps.push(suffixes[i] === '[' ? { kind: 'list' } : { kind: 'map' });
    }
  }
  return steps;
}

function toSlots(specs: readonly SlotSpec[]): Slot[] {
  return specs.map((spec) => ({ path: spec.path, steps: parseSlotPath(spec.path), category: spec.category }));
}

/** Builds the lookup structure (O(1) per lookup) from catalogue data. */
export function createCatalogue(data: CatalogueData): Catalogue {
  const names = new Map<Category, Map<string, Slot[]>>();
  const shared = new Map<Category, Set<string>>();
  const sharedSlots = new Map<Category, Slot[]>();
  let size = 0;
  for (const category of CATEGORIES) {
    const entry = data.categories[category];
    const byName = new Map<string, Slot[]>();
    for (const [name, slots] of Object.entries(entry?.components ?? {})) {
      byName.set(name, toSlots(slots));
      size++;
    }
    names.set(category, byName);
    shared.set(category, new Set([...ALWAYS_SHARED, ...(entry?.sharedFields ?? [])]));
    sharedSlots.set(category, toSlots(entry?.sharedSlots ?? []));
  }
  const none: readonly Slot[] = [];
  return {
    connectVersion: data.connectVersion,
    source: data.source,
    rootSlots: toSlots(data.root.slots),
    defaultsWhenAbsent: data.root.defaultsWhenAbsent,
    has: (category, name) => names.get(category)?.has(name) ?? false,
    isSharedField: (category, key) => shared.get(category)?.has(key) ?? false,
    sharedSlots: (category) => sharedSlots.get(category) ?? none,
    childSlots: (category, name) => names.get(category)?.get(name) ?? none,
    componentsOf: (category) => [...(names.get(category)?.keys() ?? [])],
    size: () => size,
  };
}
