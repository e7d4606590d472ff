/**
 * Durations as users write them for Connect: `500ms`, `5m`, `24h`, `7d`, `1h30m`.
 * parse-duration does the arithmetic; we only refuse what it would guess at
 * (a bare number, a typo such as `5mx`) so a mistake is reported, not guessed.
 */
import parse from 'parse-duration';

const WELL_FORMED = /^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/;

export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const ms = WELL_FORMED.test(trimmed) ? parse(trimmed) : null;
  if (ms === null || ms === undefined || !Number.isFinite(ms)) {
    throw new Error(`"${text}" is not a duration; write it like 500ms, 10s, 5m, 24h, 7d or 1h30m`);
  }
  return Math.round(ms);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const units: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  let rest = Math.round(ms / 1000) * 1000;
  let out = '';
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  return out;
}
