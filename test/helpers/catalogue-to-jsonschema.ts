/**
 * Writes catalogue data back out in the shape `list --format jsonschema`
 * prints, so the schema loader can be checked against the bundled catalogue.
 */
import { CATEGORIES, parseSlotPath, type CatalogueData, type SlotSpec } from '../../src/catalogue/catalogue.ts';

type Schema = Record<string, unknown>;
const flags = { is_advanced: false, is_deprecated: false, is_optional: true, is_secret: false };

/** Merges one slot into a config schema, creating the objects along its path. */
function addSlot(root: Schema, slot: SlotSpec): Schema {
  const steps = parseSlotPath(slot.path);
  const ref: Schema = { $ref: `#/definitions/${slot.category}`, ...flags };
  if (steps.length === 0) return ref;
  let node = root;
  steps.forEach((step, index) => {
    const last = index === steps.length - 1;
    if (step.kind === 'key') {
      const properties = (node['properties'] ??= {}) as Schema;
      node['type'] ??= 'object';
      node = (properties[step.key] ??= last ? ref : { ...flags }) as Schema;
    } else if (step.kind === 'list') {
      node['type'] = 'array';
      node = (node['items'] ??= last ? ref : { ...flags }) as Schema;
    } else {
      node['type'] = 'object';
      const pattern = (node['patternProperties'] ??= {}) as Schema;
      node = (pattern['.'] ??= last ? ref : { ...flags }) as Schema;
    }
  });
  return root;
}

function configSchema(slots: readonly SlotSpec[]): Schema {
  let schema: Schema = { type: 'object', ...flags, properties: { some_field: { type: 'string', ...flags } } };
  for (const slot of slots) schema = addSlot(schema, slot);
  return schema;
}

export function catalogueToJsonSchema(data: CatalogueData): Schema {
  const definitions: Schema = {};
  for (const category of CATEGORIES) {
    const entry = data.categories[category];
    const shared: Schema = {};
    for (const field of entry.sharedFields) shared[field] = { type: 'string', ...flags };
    for (const slot of entry.sharedSlots) {
      const [key] = slot.path.split(/[.[{]/, 1);
      shared[key ?? slot.path] = (addSlot({ ...flags }, { ...slot, path: slot.path.slice((key ?? '').length) }) as Schema);
    }
    definitions[category] = {
      allOf: [
        { anyOf: Object.entries(entry.components).map(([name, slots]) => ({ type: 'object', properties: { [name]: configSchema(slots) } })) },
        { type: 'object', properties: shared },
      ],
    };
  }
  let root: Schema = { type: 'object', properties: { http: { type: 'object', ...flags }, tests: { type: 'array', items: { type: 'object' } } } };
  for (const slot of data.root.slots) root = addSlot(root, slot);
  return { definitions, properties: root['properties'] };
}
