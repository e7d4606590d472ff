/**
 * "Did you mean …?" for a mistyped command: the known name fewest edits away
 * (leven's edit distance, as the report's plugin suggestions use), if it is
 * close enough to be a typo. Commander makes the same suggestion for flags,
 * but does not export how.
 */
import leven from 'leven';

/** The closest of `names` to `typed`, or undefined when none is within a typo's reach (two edits, and under half the word). */
export function closestName(typed: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = leven(typed.toLowerCase(), name);
    if (distance <= 2 && distance * 2 < Math.max(typed.length, name.length) && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
