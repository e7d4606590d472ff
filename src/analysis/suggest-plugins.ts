/**
 * "Did you mean…?" for a plugin name that no stored report holds: the
 * nearest names by edit distance over `type/name`, and the same name in
 * another category (a user who wrote input/aws_s3 meant output/aws_s3).
 */
import leven from 'leven';
import { UserError } from '../lib/errors.ts';
import { refText, type PluginRef } from './report-model.ts';

const MOST = 3;

export function suggestPlugins(asked: PluginRef, known: readonly PluginRef[]): PluginRef[] {
  const text = refText(asked);
  const limit = Math.max(2, Math.floor(text.length / 3));
  return known
    .map((p) => ({ p, distance: p.name === asked.name ? 0 : leven(text, refText(p), { maxDistance: limit + 1 }) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance || (refText(a.p) < refText(b.p) ? -1 : 1))
    .slice(0, MOST)
    .map(({ p }) => p);
}

/** A plugin asked about that no stored report names. */
export class UnknownPluginError extends UserError {
  readonly suggestions: PluginRef[];
  constructor(asked: PluginRef, suggestions: PluginRef[]) {
    const hint = suggestions.length === 0 ? 'check the spelling (category/name, e.g. output/aws_s3)' : `did you mean ${suggestions.map(refText).join(', ')}?`;
    super(`no stored report names ${refText(asked)}; ${hint}`);
    this.suggestions = suggestions;
  }
}
