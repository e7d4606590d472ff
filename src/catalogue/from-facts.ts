/**
 * Turns the component facts (`catalog.json` in the facts folder: names per
 * category and the fields that hold nested components) into the catalogue
 * format this project bundles. Pure: data in, data out.
 */
import { CATEGORIES, isCategory, type CatalogueData, type CategoryData, type SlotSpec } from './catalogue.ts';

interface Facts {
  version: string;
  categories: Record<string, { shared_fields: Record<string, string | null>; components: Record<string, Record<string, string>> }>;
  root: { fields: string[]; component_paths: Record<string, string>; defaults_when_absent: Record<string, string> };
}

function asFacts(value: unknown): Facts {
  const facts = value as Partial<Facts> | null;
  if (!facts || typeof facts.version !== 'string' || !facts.categories || !facts.root?.component_paths) {
    throw new Error('not a component facts file: expected version, categories and root.component_paths');
  }
  return facts as Facts;
}

function slotSpecs(fields: Record<string, string | null>): SlotSpec[] {
  const specs: SlotSpec[] = [];
  for (const [path, category] of Object.entries(fields)) {
    if (category === null) continue;
    if (!isCategory(category)) throw new Error(`unknown category "${category}" at "${path}"`);
    specs.push({ path, category });
  }
  return specs.sort((a, b) => a.path.localeCompare(b.path));
}

/** The first key of a slot path: `processors[]` → `processors`. */
function leadingKey(path: string): string {
  return path.split(/[.[{]/, 1)[0] ?? path;
}

export function catalogueFromFacts(raw: unknown): CatalogueData {
  const facts = asFacts(raw);
  const categories = {} as Record<(typeof CATEGORIES)[number], CategoryData>;
  for (const category of CATEGORIES) {
    const entry = facts.categories[category];
    if (!entry) throw new Error(`facts have no category "${category}"`);
    const components: Record<string, SlotSpec[]> = {};
    for (const name of Object.keys(entry.components).sort()) {
      components[name] = slotSpecs(entry.components[name] ?? {});
    }
    categories[category] = {
      sharedFields: [...new Set(Object.keys(entry.shared_fields).map(leadingKey))].sort(),
      sharedSlots: slotSpecs(entry.shared_fields),
      components,
    };
  }
  // Root slots follow the order of the root fields, which is the order
  // Connect's walker visits them in.
  const rootPaths = Object.entries(facts.root.component_paths);
  const slots: SlotSpec[] = [];
  for (const field of facts.root.fields) {
    for (const [path, category] of rootPaths) {
      if (leadingKey(path) !== field) continue;
      if (!isCategory(category)) throw new Error(`unknown category "${category}" at root "${path}"`);
      slots.push({ path, category });
    }
  }
  const defaultsWhenAbsent: CatalogueData['root']['defaultsWhenAbsent'] = {};
  for (const [category, name] of Object.entries(facts.root.defaults_when_absent)) {
    if (isCategory(category)) defaultsWhenAbsent[category] = name;
  }
  return {
    format: 1,
    connectVersion: facts.version,
    source: `component facts for Redpanda Connect ${facts.version}`,
    root: { slots, defaultsWhenAbsent },
    categories,
  };
}
