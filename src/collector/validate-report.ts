/**
 * Strict validation of one report as it arrives from the network. Pure:
 * parsed JSON in, a typed report or the reason it was refused out. Fields we
 * do not know (Connect adds `deploymentType`, `tenantId`) are ignored and
 * never stored.
 */
import { isCategory, type Category } from '../catalogue/catalogue.ts';
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
  components: ReportComponent[];
  host: ReportHost;
}

export type Validation = { ok: true; report: Report } | { ok: false; reason: string };

export const MAX_COMPONENTS = 100_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// xid: 12 bytes in base32hex, lower case, no padding (github.com/rs/xid).
const XID = /^[0-9a-v]{20}$/;
export const PLUGIN_NAME = /^[a-z0-9_]+$/;
const MAX_NAME = 128;
// Go's GOARCH/GOOS words; short and plain so nothing else can ride along.
const GO_WORD = /^[a-z0-9_]{1,32}$/;

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

export function isInstanceId(value: unknown): value is string {
  return typeof value === 'string' && (UUID.test(value.toLowerCase()) || XID.test(value));
}

export function validateReport(body: unknown): Validation {
  const fail = (reason: string): Validation => ({ ok: false, reason });
  if (!isObject(body)) return fail('the report must be a JSON object');
  if (!isInstanceId(body['id'])) return fail('id must be a UUID or a 20-character xid');
  if (!isCount(body['uptime'])) return fail('uptime must be a non-negative integer (seconds)');
  const list = body['components'];
  if (!Array.isArray(list)) return fail('components must be an array');
  if (list.length > MAX_COMPONENTS) return fail(`components holds ${list.length} entries; at most ${MAX_COMPONENTS} are accepted`);
  const components: ReportComponent[] = [];
  for (let i = 0; i < list.length; i++) {
    const entry: unknown = list[i];
    if (!isObject(entry)) return fail(`components[${i}] must be an object with type and name`);
    const { type, name } = entry;
    if (!isCategory(type)) return fail(`components[${i}].type is not a component category`);
    if (typeof name !== 'string' || name.length > MAX_NAME || !PLUGIN_NAME.test(name)) {
      return fail(`components[${i}].name must match ${PLUGIN_NAME.source} (at most ${MAX_NAME} characters)`);
    }
    components.push({ type, name });
  }
  const host = validateHost(body['hostInfo']);
  if (typeof host === 'string') return fail(host);
  return { ok: true, report: { id: (body['id'] as string).toLowerCase(), uptime: body['uptime'], components, host } };
}

/** hostInfo is optional (older senders leave it out), but checked when present. */
function validateHost(value: unknown): ReportHost | string {
  const host: ReportHost = { numCpu: null, goMaxProcs: null, goArch: null, goOS: null };
  if (value === undefined || value === null) return host;
  if (!isObject(value)) return 'hostInfo must be an object';
  for (const key of ['numCpu', 'goMaxProcs'] as const) {
    const field = value[key];
    if (field === undefined) continue;
    if (!isCount(field)) return `hostInfo.${key} must be a non-negative integer`;
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
