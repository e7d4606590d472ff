/**
 * Reads a catalogue from the JSON schema that `redpanda-connect list --format
 * jsonschema` (or `rpk connect list --format jsonschema`) prints, so users of
 * any Connect version can walk their configs with their own component set.
 * Pure: parsed JSON in, catalogue data out.
 */
import { isObject } from '../lib/is-object.ts';
import { CATEGORIES, isCategory, type CatalogueData, type CategoryData, type Category, type SlotSpec } from './catalogue.ts';

type Json = Record<string, unknown>;

/**
 * Root fields that hold components, in the order Connect's config spec lists
 * them (and so visits them); `tests`, `http`, `logger`… are never walked. A
 * printed schema sorts its keys, so this order, not the file's, is kept.
 */
const ROOT_COMPONENT_FIELDS = [
  'input',
  'buffer',
  'pipeline',
  'output',
  'input_resources',
  'processor_resources',
  'output_resources',
  'cache_resources',
  'rate_limit_resources',
  'metrics',
  'tracer',
];

/** Connect's root defaults; a schema carries no `default` keywords, and these have not changed across v4. */
const DEFAULTS_WHEN_ABSENT: Partial<Record<Category, string>> = {
  input: 'stdin',
  buffer: 'none',
  output: 'stdout',
  metrics: 'prometheus',
  tracer: 'none',
};

export class NotAConnectSchemaError extends Error {}

const appendKey = (path: string, key: string) => (path === '' || path.endsWith('.') ? path + key : `${path}.${key}`);

/** Every place inside a config schema that references a component category. */
function findSlots(schema: unknown, path: string, out: SlotSpec[], depth = 0): SlotSpec[] {
  if (!isObject(schema) || depth > 64) return out;
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const category = /^#\/definitions\/(\w+)$/.exec(ref)?.[1];
    if (isCategory(category)) out.push({ path, category });
    return out;
  }
  if (schema['items'] !== undefined) findSlots(schema['items'], `${path}[]`, out, depth + 1);
  if (isObject(schema['patternProperties'])) {
    for (const value of Object.values(schema['patternProperties'])) findSlots(value, `${path}{}`, out, depth + 1);
  }
  if (isObject(schema['properties'])) {
    for (const [key, value] of Object.entries(schema['properties'])) findSlots(value, appendKey(path, key), out, depth + 1);
  }
  for (const combinator of ['anyOf', 'allOf', 'oneOf']) {
    const options = schema[combinator];
    if (Array.isArray(options)) for (const option of options) findSlots(option, path, out, depth + 1);
  }
  return out;
}

const sortSlots = (slots: SlotSpec[]) => slots.sort((a, b) => a.path.localeCompare(b.path));

function readCategory(definitions: Json, category: Category): CategoryData {
  const definition = definitions[category];
  const allOf = isObject(definition) ? definition['allOf'] : undefined;
  const variants = Array.isArray(allOf) && isObject(allOf[0]) ? allOf[0]['anyOf'] : undefined;
  const sharedProperties = Array.isArray(allOf) && isObject(allOf[1]) ? allOf[1]['properties'] : undefined;
  if (!Array.isArray(variants)) {
    throw new NotAConnectSchemaError(`definitions.${category}.allOf[0].anyOf is missing`);
  }
  const components: Record<string, SlotSpec[]> = {};
  for (const variant of variants) {
    const properties = isObject(variant) ? variant['properties'] : undefined;
    if (!isObject(properties)) continue;
    for (const [name, config] of Object.entries(properties)) components[name] = sortSlots(findSlots(config, '', []));
  }
  const sortedComponents: Record<string, SlotSpec[]> = {};
  for (const name of Object.keys(components).sort()) sortedComponents[name] = components[name] ?? [];
  const sharedFields = isObject(sharedProperties) ? Object.keys(sharedProperties).sort() : [];
  const sharedSlots = isObject(sharedProperties)
    ? sortSlots(Object.entries(sharedProperties).flatMap(([key, value]) => findSlots(value, key, [])))
    : [];
  return { sharedFields, sharedSlots, components: sortedComponents };
}

export function catalogueFromJsonSchema(raw: unknown, connectVersion = 'custom'): CatalogueData {
  if (!isObject(raw) || !isObject(raw['definitions']) || !isObject(raw['properties'])) {
    throw new NotAConnectSchemaError('expected top-level "definitions" and "properties"');
  }
  const definitions = raw['definitions'];
  const categories = {} as Record<Category, CategoryData>;
  for (const category of CATEGORIES) {
    if (!isObject(definitions[category])) throw new NotAConnectSchemaError(`no definition for the "${category}" category`);
    categories[category] = readCategory(definitions, category);
  }
  const slots: SlotSpec[] = [];
  const rootProperties = raw['properties'];
  for (const field of ROOT_COMPONENT_FIELDS) {
    if (rootProperties[field] !== undefined) findSlots(rootProperties[field], field, slots);
  }
  if (!slots.some((slot) => slot.path === 'input') || !slots.some((slot) => slot.path === 'output')) {
    throw new NotAConnectSchemaError('the root properties do not hold "input" and "output" components');
  }
  const defaultsWhenAbsent: Partial<Record<Category, string>> = {};
  for (const [category, name] of Object.entries(DEFAULTS_WHEN_ABSENT) as [Category, string][]) {
    if (categories[category].components[name] !== undefined) defaultsWhenAbsent[category] = name;
  }
  return {
    format: 1,
    connectVersion,
    source: 'a JSON schema printed by `list --format jsonschema`',
    root: { slots, defaultsWhenAbsent },
    categories,
  };
}
