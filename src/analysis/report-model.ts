/**
 * What a report says, as data: the options it was asked with and the
 * analysis it answers with. Every format (table, JSON, CSV, HTML, the
 * dashboard) renders this one shape.
 */

export interface PluginRef {
  type: string;
  name: string;
}

export interface AnalysisOptions {
  /** Milliseconds since the epoch: the end of the window. */
  now: number;
  windowMs: number;
  minUptimeSeconds: number;
  /** Least share of active instances that must use both plugins of a pair. */
  minSupport: number;
  /** Least P(then | if) for a pair to be listed. */
  minConfidence: number;
  /** Only pairs whose `if` is this plugin. */
  plugin?: PluginRef | undefined;
  /** Only pairs whose `then` is this plugin. */
  then?: PluginRef | undefined;
  /** Most pairs listed (after sorting); 0 lists all. */
  limit: number;
  /** Only plugins of this category: in the plugin list, the trends, and on the `then` side of pairs. */
  type?: string | undefined;
  /** Keep the defaults Connect fills in (buffer/none…) in the pairings. */
  includeDefaults?: boolean | undefined;
  /** Also compute each plugin's trend over the window. */
  trend?: boolean | undefined;
}

export interface PluginUse extends PluginRef {
  /** Active instances using it. */
  instances: number;
  /** instances / active instances. */
  share: number;
  /** Times it appears across those instances' latest reports. */
  occurrences: number;
  /** A default Connect fills in when a config leaves its slot out (input/stdin, buffer/none…). */
  default: boolean;
}

export interface Pairing {
  if: PluginRef;
  then: PluginRef;
  /** Active instances using both. */
  instances: number;
  /** P(if ∧ then) = instances / active instances. */
  support: number;
  /** P(then | if) = instances / instances using `if`. */
  confidence: number;
  /** confidence / P(then); above 1: found together more often than by chance. */
  lift: number;
}

export interface UptimeBucket {
  label: string;
  /** Seconds, inclusive. */
  from: number;
  /** Seconds, exclusive; null for the last bucket. */
  to: number | null;
  instances: number;
}

export interface Fleet {
  /** The reports behind the daily counts: those of each counted instance on each day shown. */
  reports: number;
  /** Distinct active instances that reported inside the window on each UTC day. */
  daily: { day: string; instances: number }[];
  uptime: { median: number | null; buckets: UptimeBucket[] };
  platforms: { os: string; arch: string; instances: number }[];
}

export interface Trend extends PluginRef {
  /** Instances per period: those whose latest report in it used the plugin. */
  series: { from: string; instances: number }[];
  /** Relative change of the window's complete periods against as many periods before them; null when those had none. */
  change: number | null;
}

export interface Trends {
  /** `day` for windows up to 14 days, else `week` (ISO weeks, from Monday, UTC). */
  period: 'day' | 'week';
  /** The complete periods compared (all but the last, which is in progress), and as many before them. */
  compared: { from: string; to: string; previousFrom: string } | null;
  plugins: Trend[];
}

export interface Analysis {
  window: { from: string; to: string; duration: string; minUptimeSeconds: number };
  instances: number;
  plugins: PluginUse[];
  pairs: Pairing[];
  pairFilters: {
    minSupport: number;
    minConfidence: number;
    plugin: PluginRef | null;
    then: PluginRef | null;
    limit: number;
    type: string | null;
    includeDefaults: boolean;
  };
  fleet: Fleet;
  /** Only with the `trend` option. */
  trends?: Trends;
  /** Only when no instance is active: what the store holds, to say why. */
  empty?: { storedInstances: number; lastReportAt: string | null };
}

export const refText = (p: PluginRef): string => `${p.type}/${p.name}`;
export const sameRef = (a: PluginRef, b: PluginRef): boolean => a.type === b.type && a.name === b.name;
