import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * ../shared beside the checkout: present in CI, absent in a user's clone.
 * CONNECT_TELEMETRY_TEST_SHARED_DIR names it for a copy of the checkout that
 * is not beside it (the mutation run's sandbox).
 */
const GIVEN_SHARED_DIR = process.env['CONNECT_TELEMETRY_TEST_SHARED_DIR'];
export const SHARED_DIR = GIVEN_SHARED_DIR ? `${GIVEN_SHARED_DIR.replace(/\/$/, '')}/` : fileURLToPath(new URL('../../../shared/', import.meta.url));
export const sharedAvailable = () => existsSync(SHARED_DIR);
export const SKIP_NO_SHARED = `../shared is not beside this checkout (${SHARED_DIR}); skipping the suites that read it`;
