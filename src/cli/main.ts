/**
 * The process edge: real streams, real environment, signals. Everything
 * else receives these as arguments.
 */
import { run } from './program.ts';

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  // `on`, not `once`: write-file-atomic's exit hook (signal-exit) re-raises a
  // signal when it sees no other listener left, which would kill us mid-shutdown.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const code = await run(argv, {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    shutdown: controller.signal,
  });
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  process.exitCode = code;
}
