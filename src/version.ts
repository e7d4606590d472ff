import { readFileSync } from 'node:fs';

// Both src/ (tests) and dist/ (the built binary) sit one level below package.json.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const VERSION: string = pkg.version;
export const USER_AGENT = `connect-telemetry/${VERSION}`;
