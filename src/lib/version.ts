/** This package's version, read once from package.json, and the User-Agent reports carry. */
import { readFileSync } from 'node:fs';
import { packagePath } from './package-path.ts';

const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };

export const VERSION: string = pkg.version;
export const USER_AGENT = `connect-telemetry/${VERSION}`;
