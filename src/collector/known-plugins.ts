/**
 * The plugin names a collector knows: the bundled catalogue together with
 * every catalogue given with --schema, so a fleet of mixed Connect builds
 * keeps its real names. Anything else is stored as `unknown`, which is what
 * bounds the number of distinct plugins in the store.
 */
import { CATEGORIES, type Catalogue } from '../catalogue/catalogue.ts';
import type { KnownPlugins } from './validate-report.ts';

export interface KnownPluginSet extends KnownPlugins {
  /** Distinct {type, name} known; the store never holds more than this plus one `unknown` per category. */
  readonly size: number;
}

export function knownPlugins(catalogues: readonly Catalogue[]): KnownPluginSet {
  const [only] = catalogues;
  if (catalogues.length === 1 && only) return { has: (type, name) => only.has(type, name), size: only.size() };
  let size = 0;
  for (const category of CATEGORIES) {
    size += new Set(catalogues.flatMap((catalogue) => catalogue.componentsOf(category))).size;
  }
  return { has: (type, name) => catalogues.some((catalogue) => catalogue.has(type, name)), size };
}
