/**
 * Strict validation of one report as it arrives from the network. Pure:
 * parsed JSON and the catalogue in, a typed report or the reason it was
 * refused out. Fields we do not know (Connect adds `deploymentType`,
 * `tenantId`) are ignored and never stored.
 *
 * What is accepted is bounded by design, so no input can make the store or
 * `report` grow out of proportion: a name the catalogue does not know is
 * stored as `unknown` in its category (so distinct plugins never outnumber
 * the catalogue), a report names at most MAX_DISTINCT_COMPONENTS distinct
 * components, and every number fits the narrowest column that holds it, so
 * SQLite and PostgreSQL accept and refuse exactly the same reports.
 */
import { isCategory, UNKNOWN_COMPONENT, type Catalogue, type Category } from '../catalogue/catalogue.ts';
import { isObject } from '../lib/is-object.ts';

export interface ReportComponent {
  type: Category;
  name: string;
}

export interface ReportHost {
  numCpu: number | null;
  goMaxProcs: number | null;
  goArch: string | null;
  goOS: string | null;
}

/** A report that passed validation: the only shape storage ever sees. */
export interface Report {
  /** Lower-cased UUID, or Connect's 20-character xid. */
  id: string;
  /** Whole seconds since the instance first started. */
  uptime: number;
  /** Catalogue names only; any other name is `unknown`. */
  components: ReportComponent[];
  host: ReportHost;
}

/** The names a collector knows: the bundled catalogue, and any given with --schema. */
export type KnownPlugins = Pick<Catalogue, 'has'>;

export type Validation = { ok: true; report: Report } | { ok: false; reason: string };

/** Component occurrences in one report (two `mapping` processors are two). */
export const MAX_COMPONENTS = 100_000;
/**
 * Distinct {type, name} in one report, as sent. The largest of 100 real
 * configs has 18; 27,500 made-up names in one report is an attack.
 * `report` visits every pair of an instance's distinct plugins, so this
 * also bounds its cost per instance.
 */
export const MAX_DISTINCT_COMPONENTS = 128;
/** PostgreSQL's INTEGER, the narrowest column a count is stored in (num_cpu, go_max_procs). */
export const MAX_INT_COLUMN = 2 ** 31 - 1;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// xid: 12 bytes in base32hex, lower case, no padding (github.com/rs/xid).
const XID = /^[0-9a-v]{20}$/;
export const PLUGIN_NAME = /^[a-z0-9_]+$/;
const MAX_NAME = 128;
// Go's GOARCH/GOOS words; short and plain so nothing else can ride along.
const GO_WORD = /^[a-z0-9_]{1,32}$/;

const isCount = (value: unknown, max = Number.MAX_SAFE_INTEGER): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;

export function isInstanceId(value: unknown): value is string {
  return typeof value === 'string' && (UUID.test(value.toLowerCase()) || XID.test(value));
}

export function validateReport(body: unknown, known: KnownPlugins): Validation {
  const fail = (reason: string): Validation => ({ ok: false, reason });
  if (!isObject(body)) return fail('the report must be a JSON object');
  if (!isInstanceId(body['id'])) return fail('id must be a UUID or a 20-character xid');
  // BIGINT in both stores; a safe integer is well inside it.
  if (!isCount(body['uptime'])) return fail('uptime must be a non-negative integer (seconds)');
  const components = validateComponents(body['components'], known);
  if (typeof components === 'string') return fail(components);
  const host = validateHost(body['hostInfo']);
  if (typeof host === 'string') return fail(host);
  return { ok: true, report: { id: (body['id'] as string).toLowerCase(), uptime: body['uptime'], components, host } };
}

/** The component list with unknown names replaced, or why it was refused. */
function validateComponents(list: unknown, known: KnownPlugins): ReportComponent[] | string {
  if (!Array.isArray(list)) return 'components must be an array';
  if (list.length > MAX_COMPONENTS) return `components holds ${list.length} entries; at most ${MAX_COMPONENTS} are accepted`;
  const components: ReportComponent[] = [];
  const distinct = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const entry: unknown = list[i];
    if (!isObject(entry)) return `components[${i}] must be an object with type and name`;
    const { type, name } = entry;
    if (!isCategory(type)) return `components[${i}].type is not a component category`;
    if (typeof name !== 'string' || name.length > MAX_NAME || !PLUGIN_NAME.test(name)) {
      return `components[${i}].name must match ${PLUGIN_NAME.source} (at most ${MAX_NAME} characters)`;
    }
    distinct.add(`${type}/${name}`);
    if (distinct.size > MAX_DISTINCT_COMPONENTS) return `components names more than ${MAX_DISTINCT_COMPONENTS} distinct components; no Connect config comes near`;
    components.push({ type, name: known.has(type, name) ? name : UNKNOWN_COMPONENT });
  }
  return components;
}

/** hostInfo is optional (older senders leave it out), but checked when present. */
function validateHost(value: unknown): ReportHost | string {
  const host: ReportHost = { numCpu: null, goMaxProcs: null, goArch: null, goOS: null };
  if (value === undefined || value === null) return host;
  if (!isObject(value)) return 'hostInfo must be an object';
  for (const key of ['numCpu', 'goMaxProcs'] as const) {
    const field = value[key];
    if (field === undefined) continue;
    if (!isCount(field, MAX_INT_COLUMN)) return `hostInfo.${key} must be an integer from 0 to ${MAX_INT_COLUMN}`;
    host[key] = field;
  }
  for (const key of ['goArch', 'goOS'] as const) {
    const field = value[key];
    if (field === undefined) continue;
    if (typeof field !== 'string' || !GO_WORD.test(field)) return `hostInfo.${key} must match ${GO_WORD.source}`;
    host[key] = field;
  }
  return host;
}
