/**
 * A throwaway CA and a server certificate it signed for `telemetry.test` (and
 * `localhost`, to reach it without a proxy), made with openssl in a directory
 * of the caller's, for tests of --ca-file against a real TLS server.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificate {
  /** The CA's certificate, as --ca-file takes it. */
  caFile: string;
  key: string;
  cert: string;
}

export function makeCertificate(certDir: string): TestCertificate {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: certDir, stdio: ['ignore', 'ignore', 'pipe'] });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=proxy test CA');
  ssl('req', ...key, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=telemetry.test');
  writeFileSync(join(certDir, 'server.ext'), 'subjectAltName=DNS:telemetry.test,DNS:localhost\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
  const read = (name: string) => readFileSync(join(certDir, name), 'utf8');
  return { caFile: join(certDir, 'ca.pem'), key: read('server.key'), cert: read('server.pem') };
}
