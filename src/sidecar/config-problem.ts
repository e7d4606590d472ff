/**
 * The class of a config that cannot be read, for `status`: a word that says
 * what kind of problem it is without quoting the config, its path or its
 * values. The config layer's messages are matched (they say what went wrong
 * in fixed words before any path or position); an unknown one is `other`.
 */
export const CONFIG_PROBLEMS = ['missing', 'unreadable', 'not-a-file', 'too-large', 'not-text', 'invalid-yaml', 'not-a-config', 'other'] as const;
export type ConfigProblem = (typeof CONFIG_PROBLEMS)[number];

/** What each class means, in the words status prints. */
export const PROBLEM_WORDS: Readonly<Record<ConfigProblem, string>> = {
  missing: 'the config file (or streams directory) does not exist',
  unreadable: 'the config cannot be read (permissions, or a symbolic link loop)',
  'not-a-file': 'the config is a directory, FIFO or device, not a file',
  'too-large': 'the config is larger than the daemon accepts',
  'not-text': 'the config is not UTF-8 text',
  'invalid-yaml': 'the config is not valid YAML',
  'not-a-config': 'the YAML is not a Connect config (not a mapping, or nested too deeply)',
  other: 'the config cannot be read',
};

const PATTERNS: readonly [RegExp, ConfigProblem][] = [
  [/^no such (config file|streams directory|resource file)|^no stream configs|^no resource files match/, 'missing'],
  [/permission denied|too many levels of symbolic links/, 'unreadable'],
  [/is a directory, expected|is not a regular file/, 'not-a-file'],
  [/-byte limit|holds more than \d+ (tokens|components)/, 'too-large'],
  [/not valid UTF-8/, 'not-text'],
  [/invalid YAML/, 'invalid-yaml'],
  [/must be a YAML mapping|nested more than \d+ levels|refers to itself through an alias/, 'not-a-config'],
];

export function classifyConfigError(message: string): ConfigProblem {
  for (const [pattern, problem] of PATTERNS) if (pattern.test(message)) return problem;
  return 'other';
}
