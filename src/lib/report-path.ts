/**
 * The one path a connect-telemetry collector receives reports on. Both sides
 * know it: `collect` serves it (and names it in its start-up log and in every
 * 404), and the sidecar suggests it when an endpoint answers 404 or 405.
 */
export const REPORT_PATH = '/connect/telemetry';
