/**
 * `demo`: a collector and a few real sidecars on the demo configs, end to
 * end, then the report. The demo's code loads only when this command runs.
 */
import { Option, type Command } from 'commander';
import type { CommandContext } from './cli-deps.ts';
import { countFlag, durationFlag } from './flags.ts';

export function defineDemoCommand(program: Command, { deps, setExit }: CommandContext): void {
  program
    .command('demo')
    .description('run a collector and a few real sidecars on the demo configs for a few seconds, then print the report')
    .option('--rounds <n>', 'reports each sidecar must send first', '2')
    .option('--timeout <duration>', 'give up waiting after this long', '60s')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (raw: { rounds: string; timeout: string; format: 'table' | 'json' }) => {
      const [{ runDemo }, { DEMO_CONFIG_DIR }] = await Promise.all([import('../simulator/run-demo.ts'), import('../simulator/fleet-configs.ts')]);
      const options = { rounds: Math.max(1, countFlag('rounds', raw.rounds)), timeoutMs: durationFlag('timeout', raw.timeout), format: raw.format, configDir: DEMO_CONFIG_DIR };
      setExit(await runDemo(options, deps));
    });
}
