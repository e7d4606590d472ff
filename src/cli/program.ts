/**
 * The command line as a function: `run(argv, deps)` builds a fresh commander
 * program from one definition per command, runs it, and turns the outcome
 * into an exit code. It never exits the process; main.ts does that.
 *
 * Each command's file holds its flags and what it does. What it does loads
 * when it runs: the daemon never loads the collector, and `collect` never
 * loads the daemon.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { UserError, errorMessage } from '../lib/errors.ts';
import { VERSION } from '../lib/version.ts';
import type { CliDeps, CommandContext } from './cli-deps.ts';
import { defineCollectCommand } from './collect-command.ts';
import { defineDemoCommand } from './demo-command.ts';
import { defineInspectCommand } from './inspect-command.ts';
import { definePruneCommand } from './prune-command.ts';
import { defineReportCommand } from './report-command.ts';
import { defineRunCommand } from './run-command.ts';
import { defineSimulateCommand } from './simulate-command.ts';
import { defineStatusCommand } from './status-command.ts';
import { defineStreamsCommand } from './streams-command.ts';
import { closestName } from './closest-name.ts';
import { placeCommandFirst } from './command-first.ts';

export type { CliDeps };

const COMMANDS = [defineRunCommand, defineStreamsCommand, defineInspectCommand, defineStatusCommand, defineCollectCommand, defineReportCommand, definePruneCommand, defineSimulateCommand, defineDemoCommand];

const looksLikePath = (word: string) => /[/\\]|\.ya?ml$|\.json$/i.test(word) || word.startsWith('.') || word.startsWith('~');

/**
 * `run` is the default command, so a first word that is not a command is
 * `run`'s config path. A word that is neither a path nor a file here is far
 * more likely a mistyped command (`inpsect`): say so, rather than report a
 * missing config.
 */
async function unknownCommand(argv: readonly string[], program: Command, cwd: string): Promise<UserError | undefined> {
  const first = argv[0];
  const names = [...program.commands.map((command) => command.name()), 'help'];
  if (first === undefined || first.startsWith('-') || names.includes(first) || looksLikePath(first)) return undefined;
  try {
    await access(resolve(cwd, first));
    return undefined; // a config file or directory that happens to look like a word
  } catch {
    const suggestion = closestName(first, names);
    return new UserError(
      suggestion !== undefined
        ? `unknown command '${first}' (did you mean '${suggestion}'?)`
        : `unknown command '${first}'; the commands are ${names.filter((name) => name !== 'help').join(', ')} (a config path needs a / or a .yaml ending, or must exist)`,
    );
  }
}

function buildProgram(context: CommandContext): Command {
  const program = new Command('connect-telemetry')
    .description('Reports which Redpanda Connect plugins a config uses, and collects and analyses such reports.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: context.deps.stdout, writeErr: context.deps.stderr })
    .showHelpAfterError('(run with --help for usage)');
  for (const define of COMMANDS) define(program, context);
  return program;
}

/** Runs the CLI and returns the exit code. Never calls process.exit. */
export async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  let exitCode = 0;
  const program = buildProgram({ deps, setExit: (code) => (exitCode = code) });
  try {
    const words = placeCommandFirst(argv, program);
    const unknown = await unknownCommand(words, program, deps.cwd);
    if (unknown) throw unknown;
    await program.parseAsync(words, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UserError) {
      deps.stderr(`connect-telemetry: ${error.message}\n`);
      return error.exitCode;
    }
    deps.stderr(`connect-telemetry: unexpected error: ${errorMessage(error)}\n`);
    return 1;
  }
}
