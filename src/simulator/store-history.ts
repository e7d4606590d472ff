/**
 * Writes a simulated history straight into a store, through the store's own
 * write path, with the times the reports would have arrived (a collector
 * over HTTP would stamp them all with now). Each payload is validated as the
 * collector validates what it receives.
 */
import { bundledCatalogue } from '../catalogue/load-catalogue.ts';
import { knownPlugins } from '../collector/known-plugins.ts';
import type { Storage } from '../collector/storage/storage.ts';
import { validateReport } from '../collector/validate-report.ts';
import type { TimedPayload } from './simulate-history.ts';

/** Reports handed to the store at once; it commits them in batches of its own. */
const CHUNK = 5000;

export async function storeHistory(storage: Storage, history: readonly TimedPayload[]): Promise<number> {
  const known = knownPlugins([bundledCatalogue()]);
  for (let i = 0; i < history.length; i += CHUNK) {
    await Promise.all(
      history.slice(i, i + CHUNK).map(({ payload, receivedAt }) => {
        const validation = validateReport(payload, known);
        if (!validation.ok) throw new Error(`a simulated report failed validation: ${validation.reason}`);
        return storage.store(validation.report, receivedAt);
      }),
    );
  }
  return history.length;
}
