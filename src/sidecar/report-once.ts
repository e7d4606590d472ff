/**
 * One scheduled report: the payload from the current summary, encoded (and
 * signed, if a key is set), sent with retries, the outcome logged and
 * recorded in the state file, which moves the schedule on.
 */
import { allComponents, type Summary } from '../config/summarise.ts';
import type { DaemonDeps, DaemonSettings } from './daemon-settings.ts';
import { encodeBody } from './send/encode-body.ts';
import { buildPayload } from './send/payload.ts';
import { sendReport, type SendResult } from './send/send-report.ts';
import type { StateStore } from './state/state-store.ts';

type ReportDeps = Pick<DaemonDeps, 'clock' | 'logger' | 'fetch' | 'random' | 'retryBaseMs' | 'hostInfo' | 'shutdown'>;

export async function reportOnce(summary: Summary | undefined, store: StateStore, settings: DaemonSettings, deps: ReportDeps): Promise<void> {
  const { clock, logger, shutdown } = deps;
  const started = clock.now();
  if (!summary) {
    logger.error('no readable config yet: this report is skipped, and nothing is sent until the config can be read; the next one is scheduled');
    await store.save({ ...store.state, lastReport: { at: started, outcome: 'failed' } });
    return;
  }
  const payload = buildPayload(allComponents(summary), store.state, started, deps.hostInfo);
  const body = await encodeBody(payload, settings.signingKey, started);
  logger.debug({ payload }, 'sending report');
  const result = await send(body, started, settings, deps);
  if (shutdown.aborted && result.outcome === 'failed') return; // not an outcome: the next start tries again
  const fields = { outcome: result.outcome, status: result.status, attempts: result.attempts, durationMs: clock.now() - started, components: payload.components.length };
  if (result.outcome === 'sent') logger.info(fields, 'report sent');
  else logger.warn({ ...fields, error: result.error }, 'report failed; dropped until the next period');
  await store.save({
    ...store.state,
    lastReport: { at: clock.now(), outcome: result.outcome, ...(result.status !== undefined ? { status: result.status } : {}) },
  });
}

function send(body: Awaited<ReturnType<typeof encodeBody>>, started: number, settings: DaemonSettings, deps: ReportDeps): Promise<SendResult> {
  return sendReport(
    body,
    { endpoint: settings.endpoint, timeoutMs: settings.timeoutMs, userAgent: settings.userAgent, agent: settings.agent, deadline: started + settings.periodMs },
    {
      fetch: deps.fetch,
      clock: deps.clock,
      random: deps.random,
      ...(deps.retryBaseMs !== undefined ? { retryBaseMs: deps.retryBaseMs } : {}),
      onRetry: (info) => deps.logger.info({ attempt: info.attempt, retryInMs: info.delayMs }, `report attempt failed (${info.reason}); retrying`),
    },
    deps.shutdown,
  );
}
