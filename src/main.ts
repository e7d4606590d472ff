/**
 * The process edge: real streams, real environment, signals. Everything
 * else receives these as arguments.
 */
import { run } from './cli.ts';

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
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
