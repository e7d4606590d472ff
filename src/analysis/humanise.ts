/**
 * Numbers as people read them in a report: durations as `45s`, `6h11m`,
 * `12d5h` or `400d`, instants as `2025-01-31 12:00 UTC`, shares as `75.0%`,
 * changes as `+25.0%`. Display only: JSON keeps the exact values.
 */

/** Seconds as the two largest units that matter (`6h11m`); whole days past 100 days. */
export function humaniseSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 === 0 ? '' : `${s % 60}s`}`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) === 0 ? '' : `${Math.floor((s % 3600) / 60)}m`}`;
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  return days >= 100 || hours === 0 ? `${days}d` : `${days}d${hours}h`;
}

/** An ISO instant as `2025-01-31 12:00 UTC`. */
export const humaniseInstant = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

/** A relative change as `+25.0%`, `-3.1%`; `new` when there was nothing to compare with. */
export const humaniseChange = (change: number | null): string => (change === null ? 'new' : `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`);

/** `1 instance`, `3 instances`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
