/**
 * Reading schema version 1's raw reports back, for the migration to version
 * 2: each row held the report's components as JSON and its host facts as
 * columns. A row is validated as a report arriving from the network would be
 * before it is written again.
 */
import { validateReport, type KnownPlugins } from '../validate-report.ts';
import type { Row } from './storage.ts';
import type { Incoming } from './report-rows.ts';

/** Stored reports are replayed as they were stored, names and all: the migration changes no answer. */
const AS_STORED: KnownPlugins = { has: () => true };

/** Rows replayed per page: bounds the migration's memory whatever the table's size. */
export const V1_PAGE = 5000;

const orNull = (value: unknown) => (value === null || value === undefined ? undefined : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export function v1ReportOf(row: Row): Incoming {
  let components: unknown;
  try {
    components = JSON.parse(String(row['components']));
  } catch {
    components = undefined;
  }
  const body = {
    id: row['instance_id'],
    uptime: Number(row['uptime']),
    components,
    hostInfo: { numCpu: orNull(row['num_cpu']), goMaxProcs: orNull(row['go_max_procs']), goArch: orNull(row['go_arch']), goOS: orNull(row['go_os']) },
  };
  const validation = validateReport(body, AS_STORED);
  if (!validation.ok) throw new Error(`cannot migrate stored report ${String(row['id'])}: ${validation.reason}`);
  return { report: validation.report, receivedAt: Number(row['received_at']) };
}
