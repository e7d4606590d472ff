import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** ../shared beside the checkout: present in CI, absent in a user's clone. */
export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const sharedAvailable = () => existsSync(SHARED_DIR);
export const SKIP_NO_SHARED = `../shared is not beside this checkout (${SHARED_DIR}); skipping the suites that read it`;
