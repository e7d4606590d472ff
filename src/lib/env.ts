/**
 * A set of environment variables, passed in rather than read from
 * process.env: the command line reads the real environment once, and
 * everything else receives it (configs interpolate `${VAR}` from it).
 */
export type Env = Readonly<Record<string, string | undefined>>;
