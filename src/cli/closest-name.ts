/**
 * "Did you mean …?" for a mistyped command: the known name fewest edits away
 * (an edit inserts, deletes or changes a character, or swaps two neighbours,
 * so `inpsect` is one edit from `inspect`), if it is close enough to be a
 * typo. Commander makes the same suggestion for flags, but does not export
 * how.
 */

/** Edits between two words (optimal string alignment distance). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const change = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + change);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The closest of `names` to `typed`, or undefined when none is within a typo's reach (two edits, and under half the word). */
export function closestName(typed: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(typed.toLowerCase(), name);
    if (distance <= 2 && distance * 2 < Math.max(typed.length, name.length) && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
