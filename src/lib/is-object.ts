/**
 * The one test for "a plain key/value object" (a YAML mapping, a JSON
 * object): not null and not an array. Used wherever parsed input is checked
 * before it becomes a typed value.
 */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
