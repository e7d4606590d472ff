/**
 * The URL sidecars must be given (--endpoint) to reach this collector, said
 * in its start-up log so that nobody has to guess the path. When it listens
 * on every address, only the port and the path are known here: the host is
 * whatever name the sidecars reach this machine by.
 */
import { REPORT_PATH } from '../lib/report-path.ts';

/** Addresses that mean "every interface", as `server.address()` gives them. */
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

export interface ReportUrl {
  /** Where it listens, as a URL origin (or "every address, port N"). */
  listening: string;
  /** The endpoint to configure; `<this host>` stands for the host when it listens on every address. */
  reportUrl: string;
}

export function reportUrlFor(host: string, port: number): ReportUrl {
  if (WILDCARDS.has(host)) {
    return { listening: `every address, port ${port}`, reportUrl: `http://<this host>:${port}${REPORT_PATH}` };
  }
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { listening: origin, reportUrl: `${origin}${REPORT_PATH}` };
}
