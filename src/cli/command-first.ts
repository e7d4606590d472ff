/**
 * Connect takes its global flags before the command
 * (`redpanda-connect -r ./resources.yaml streams ./streams`) as well as after
 * it. Commander reads flags before a command as the default command's (`run`)
 * and the command's name as a config path, so the name is moved to the front
 * first. Pure: the words typed and the program's flags in, the words to parse
 * out.
 */
import type { Command } from 'commander';

type ValueKind = 'required' | 'optional';

/** Flags of any command that take a value, long and short (`--resources`, `-r`), and whether it may be left out. */
function flagsTakingValue(program: Command): Map<string, ValueKind> {
  const flags = new Map<string, ValueKind>();
  for (const command of [program, ...program.commands]) {
    for (const option of command.options) {
      if (!option.required && !option.optional) continue;
      const kind = option.required ? 'required' : 'optional';
      if (option.long) flags.set(option.long, kind);
      if (option.short) flags.set(option.short, kind);
    }
  }
  return flags;
}

/**
 * `argv` with the first command name that follows only flags (and their
 * values) moved to the front; unchanged when the first word is not a flag,
 * when a word that is not a command comes first, or after `--`.
 */
export function placeCommandFirst(argv: readonly string[], program: Command): string[] {
  const names = new Set(program.commands.map((command) => command.name()));
  const takesValue = flagsTakingValue(program);
  let index = 0;
  while (index < argv.length) {
    const word = argv[index] as string;
    if (word === '--' || !word.startsWith('-')) break;
    const next = argv[index + 1];
    // `--flag=value` carries its value, and so does `-rvalue`; a flag whose value may be left out takes no command name.
    const carriesValue = word.includes('=') || (!word.startsWith('--') && word.length > 2);
    const kind = carriesValue ? undefined : takesValue.get(word);
    const valueFollows = kind === 'required' || (kind === 'optional' && next !== undefined && !next.startsWith('-') && !names.has(next));
    index += valueFollows ? 2 : 1;
  }
  const word = argv[index];
  if (index === 0 || word === undefined || !names.has(word)) return [...argv];
  return [word, ...argv.slice(0, index), ...argv.slice(index + 1)];
}
