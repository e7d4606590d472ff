/**
 * The plugins Connect fills in when a main config leaves their slot out
 * (input stdin, buffer none, output stdout, metrics prometheus, tracer none).
 * Nearly every instance reports some of them, so they top the plugin list
 * and would fill the pairings with rules that say nothing; the report marks
 * them and, unless asked, leaves them out of the pairings.
 */
import { bundledCatalogue } from '../catalogue/load-catalogue.ts';
import { refText, type PluginRef } from './report-model.ts';

let defaults: ReadonlySet<string> | undefined;

export function isConnectDefault(plugin: PluginRef): boolean {
  defaults ??= new Set(Object.entries(bundledCatalogue().defaultsWhenAbsent).map(([type, name]) => `${type}/${name}`));
  return defaults.has(refText(plugin));
}
