/**
 * Summarises the components of a set of config texts: parse each, walk it
 * with the defaults its role gets, and add the instance-wide defaults of
 * streams mode once. Pure: texts and environment in, components out.
 */
import type { Catalogue, Category } from '../catalogue/catalogue.ts';
import { UserError } from '../lib/errors.ts';
import { isObject } from '../lib/is-object.ts';
import { interpolate, InterpolationError } from './interpolate.ts';
import { parseYaml, YamlSyntaxError } from './parse-yaml.ts';
import type { ConfigRole } from './resolve-config-files.ts';
import { walkComponents, WalkLimitError, type ComponentRef } from './walk-components.ts';
import type { Env } from '../lib/env.ts';

export interface ConfigText {
  path: string;
  role: ConfigRole;
  text: string;
}

export interface FileComponents {
  path: string;
  role: ConfigRole;
  components: ComponentRef[];
  /** Documents after the first one in the file; Connect ignores them too. */
  ignoredDocuments: number;
}

export interface Summary {
  files: FileComponents[];
  /** Defaults counted once for the whole instance (streams mode). */
  instanceDefaults: ComponentRef[];
}

const STREAM_DEFAULTS: readonly Category[] = ['input', 'buffer', 'output'];
const INSTANCE_DEFAULTS: readonly Category[] = ['metrics', 'tracer'];

export function summariseText(config: ConfigText, catalogue: Catalogue, env: Env): FileComponents {
  let parsed;
  try {
    parsed = parseYaml(interpolate(config.text, env));
  } catch (error) {
    if (error instanceof YamlSyntaxError || error instanceof InterpolationError) throw new UserError(`${config.path}: ${error.message}`, { cause: error });
    throw error;
  }
  const { tree, ignoredDocuments } = parsed;
  if (tree !== null && tree !== undefined && !isObject(tree)) {
    const kind = Array.isArray(tree) ? 'a list' : `a ${typeof tree}`;
    throw new UserError(`${config.path}: a config must be a YAML mapping (key: value), but this file holds ${kind}`);
  }
  const defaults = config.role === 'main' ? true : config.role === 'stream' ? STREAM_DEFAULTS : false;
  const rootFields = config.role === 'resource' ? 'resources' : config.role === 'observability' ? 'observability' : 'all';
  try {
    return { path: config.path, role: config.role, components: walkComponents(tree, catalogue, { defaults, rootFields }), ignoredDocuments };
  } catch (error) {
    if (error instanceof WalkLimitError) throw new UserError(`${config.path}: ${error.message}`, { cause: error });
    throw error;
  }
}

export function summarise(
  configs: readonly ConfigText[],
  catalogue: Catalogue,
  env: Env,
  /** Lets a caller reuse the result for a file whose text has not changed. */
  summariseFile: (config: ConfigText) => FileComponents = (config) => summariseText(config, catalogue, env),
): Summary {
  const files = configs.map(summariseFile);
  const instanceDefaults: ComponentRef[] = [];
  // Streams mode: the instance's metrics and tracer come from the
  // observability config, or are Connect's defaults, once for all streams.
  if (files.some((file) => file.role === 'stream' || file.role === 'observability')) {
    for (const category of INSTANCE_DEFAULTS) {
      const declared = files.some((file) => file.components.some((c) => c.category === category));
      const name = catalogue.defaultsWhenAbsent[category];
      if (!declared && name !== undefined) {
        instanceDefaults.push({ category, name, path: category, known: true, defaulted: true });
      }
    }
  }
  return { files, instanceDefaults };
}

/** All components of a summary, in a stable order: files as given, then instance defaults. */
export function allComponents(summary: Summary): ComponentRef[] {
  return [...summary.files.flatMap((file) => file.components), ...summary.instanceDefaults];
}
