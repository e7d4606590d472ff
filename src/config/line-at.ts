/**
 * The 1-based line a position in a text falls on, for messages that name
 * where a problem is without quoting the text.
 */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
