/**
 * Registers the collection-side commands (collect, report, demo…). Only
 * commander definitions live here; each action imports its module lazily so
 * the sidecar daemon never loads collector code.
 */
import type { Command } from 'commander';
import type { CliDeps } from '../cli.ts';

export function registerCollectorCommands(_program: Command, _deps: CliDeps, _setExit: (code: number) => void): void {
  // Commands are added here as the collector grows.
}
