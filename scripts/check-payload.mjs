// Checks a payload file for the smoke tests: exactly the four fields of a
// report, a UUID v4 instance ID, a whole-second uptime, the host's CPU count,
// and every component named after the file. Exits 1 and says what is wrong.
//
//   node scripts/check-payload.mjs FILE [type/name]...
import { readFileSync } from 'node:fs';

const [file, ...wanted] = process.argv.slice(2);
const payload = JSON.parse(readFileSync(file, 'utf8'));
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const names = new Set((payload.components ?? []).map((c) => `${c.type}/${c.name}`));
const problems = [
  Object.keys(payload).sort().join() === 'components,hostInfo,id,uptime' ? '' : `fields ${Object.keys(payload).join(', ')}`,
  uuid.test(payload.id) ? '' : `id ${payload.id}`,
  Number.isInteger(payload.uptime) ? '' : `uptime ${payload.uptime}`,
  typeof payload.hostInfo?.numCpu === 'number' ? '' : 'no hostInfo.numCpu',
  ...wanted.filter((name) => !names.has(name)).map((name) => `no ${name}`),
].filter(Boolean);
if (problems.length > 0) {
  console.error(`unexpected payload in ${file}: ${problems.join('; ')}`);
  process.exit(1);
}
