/**
 * A second hand-computed fleet, over two months, for trends and the report's
 * presentation: Connect's defaults, an instance that changes its component
 * set, and uptimes that read as durations. Every expected figure in the
 * tests that use it is worked out by hand below.
 *
 * NOW is Friday 2025-01-31 12:00 UTC; a 30-day window starts Wednesday
 * 2025-01-01 12:00. Weeks start on Mondays: the window touches the weeks of
 * 12-30, 01-06, 01-13, 01-20 and 01-27 (in progress); the four complete ones
 * are compared with 12-02, 12-09, 12-16 and 12-23.
 *
 *   P  kafka_franz, buffer none, aws_s3          12-10, 01-08, 01-29 (latest uptime 30d)
 *   Q  kafka, buffer none, aws_s3                12-03, 12-17
 *      then kafka_franz, buffer none, aws_s3     01-14, 01-21        (latest uptime 6h11m)
 *   R  kafka, output stdout                      12-24, 01-02 10:00  (latest uptime 400d)
 *   S  kafka_franz, output kafka                 01-30               (uptime 100s)
 *
 * Per week, input/kafka_franz: 12-02 0, 12-09 1, 12-16 0, 12-23 0 | 12-30 0, 01-06 1, 01-13 1, 01-20 1, 01-27 2:
 * the complete weeks sum to 3 against 1 before: +200 %. input/kafka: 1, 0, 1, 1 | 1, 0, 0, 0, 0: 1 against 3, −66.7 %.
 */
import type { Report } from '../../src/collector/validate-report.ts';
import { report } from './fleet.ts';

const at = (date: string, hour = 12) => Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
const P = ['input/kafka_franz', 'buffer/none', 'output/aws_s3'];
const Q_BEFORE = ['input/kafka', 'buffer/none', 'output/aws_s3'];
const R = ['input/kafka', 'output/stdout'];
const S = ['input/kafka_franz', 'output/kafka'];
export const TREND_IDS = { p: '1b6c2b8e-1f3d-4c5e-9a7b-000000000001', q: '1b6c2b8e-1f3d-4c5e-9a7b-000000000002', r: '1b6c2b8e-1f3d-4c5e-9a7b-000000000003', s: '1b6c2b8e-1f3d-4c5e-9a7b-000000000004' };

export const TREND_FLEET: [Report, number][] = [
  [report(TREND_IDS.q, 600, Q_BEFORE, 'linux', 'amd64'), at('2024-12-03')],
  [report(TREND_IDS.p, 1000, P, 'linux', 'amd64'), at('2024-12-10')],
  [report(TREND_IDS.q, 700, Q_BEFORE, 'linux', 'amd64'), at('2024-12-17')],
  [report(TREND_IDS.r, 400 * 86_400 - 9 * 86_400, R, 'linux', 'arm64'), at('2024-12-24')],
  [report(TREND_IDS.r, 400 * 86_400, R, 'linux', 'arm64'), at('2025-01-02', 10)],
  [report(TREND_IDS.p, 2000, P, 'linux', 'amd64'), at('2025-01-08')],
  [report(TREND_IDS.q, 800, P, 'linux', 'amd64'), at('2025-01-14')],
  [report(TREND_IDS.q, 22_275, P, 'linux', 'amd64'), at('2025-01-21')],
  [report(TREND_IDS.p, 30 * 86_400, P, 'linux', 'amd64'), at('2025-01-29')],
  [report(TREND_IDS.s, 100, S, 'darwin', 'arm64'), at('2025-01-30')],
];

