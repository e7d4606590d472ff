/**
 * Connect replaces `${VAR}` and `${VAR:default}` in the raw config text with
 * environment values before it parses the YAML; `$${VAR}` is an escaped
 * literal and `${!…}` is a Bloblang interpolation that stays as it is.
 * Pure: the environment is passed in.
 */

// Same shape as Connect's own pattern: a name of letters, digits, `_` and `.`,
// then an optional default that may itself contain `${…}`.
const ENV_REFERENCE = /(\$?)\$\{([0-9A-Za-z_.]+)(?::((?:\$\{[^}]+\}|[^}])*))?\}/g;

export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>): string {
  if (!text.includes('${')) return text;
  return text.replace(ENV_REFERENCE, (whole, escape: string, name: string, fallback: string | undefined) => {
    if (escape === '$') return whole.slice(1);
    const value = env[name];
    return value !== undefined && value !== '' ? value : (fallback ?? '');
  });
}
