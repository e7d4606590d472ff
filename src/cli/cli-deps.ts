/**
 * What every command receives from the process edge (main.ts), so that tests
 * drive the whole command line as a function: no real streams, environment or
 * signals unless main.ts passes them in.
 */
import type { Env } from '../lib/env.ts';

export interface CliDeps {
  env: Env;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Aborted when the process is asked to stop (SIGTERM, SIGINT). */
  shutdown: AbortSignal;
}

/** What a command's definition needs: the edge, and a way to set the exit code. */
export interface CommandContext {
  deps: CliDeps;
  setExit: (code: number) => void;
}
