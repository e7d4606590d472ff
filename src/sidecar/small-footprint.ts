/**
 * The daemon idles beside a workload for days and parses a small config now
 * and then, so it trades V8's peak speed for a small, flat footprint while it
 * can (figures in BENCHMARKS.md):
 *
 * - TurboFan stays off until a reload has a large amount of YAML to parse.
 *   Its first compilation alone adds about 5 MB of resident memory (compiler
 *   code paged in from the Node binary, and its heap); the interpreter,
 *   Sparkplug and Maglev run a small config's parse as well. A large config
 *   (a megabyte, or a big streams directory) parses 2 to 2.5 times slower
 *   without it, so such a reload turns it on for good.
 * - The young generation stays at its starting size.
 *   It would otherwise double up to 16 MB per semi-space under a burst of
 *   config changes, and stay that size.
 * - The old generation may grow by a quarter (plus V8's minimum step) over
 *   what survived the last full collection, not up to four times: under a
 *   burst of config changes, the parse garbage promoted out of the small
 *   young generation is collected at about 16 MB of heap instead of 32 MB.
 *   A full collection of a heap this small takes a few milliseconds.
 * - Both heap settings stay for good, also after a large reload: a large
 *   parse peaks some 30 MB lower with them (measured: 6,000 components, 160
 *   against 190 MB; a 4 MB double-quoted string, 201 against 238 MB), which
 *   helps keep the largest config the daemon accepts within the memory limit
 *   of the Kubernetes examples. Only TurboFan comes back.
 *
 * V8 reads these flags each time it decides, so setting them after start
 * takes effect. Only the `run` daemon calls this, never the collector.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * YAML bytes to parse in one reload above which TurboFan is worth its memory:
 * the largest config the daemon accepts (some 4,000 components, about 1 MB)
 * summarises 2.2 times slower than plain parsing without it, about as fast
 * with it.
 */
export const LARGE_PARSE_BYTES = 512 * 1024;

/**
 * The V8 flags for each mode; the large ones are V8's defaults for the small
 * ones they undo. V8 ignores a flag it does not know, so a test holds these
 * to `node --v8-options`.
 */
export const FOOTPRINT_FLAGS = {
  small: ['--no-turbofan', '--semi-space-growth-factor=1', '--heap-growing-percent=25'],
  large: ['--turbofan'],
} as const;

let small = false;

export function preferSmallFootprint(): void {
  for (const flag of FOOTPRINT_FLAGS.small) setFlagsFromString(flag);
  small = true;
}

/** Called before a reload parses `bytes` of YAML (counted in characters, which for YAML is near enough). */
export function beforeParsing(bytes: number): void {
  if (small && bytes >= LARGE_PARSE_BYTES) {
    for (const flag of FOOTPRINT_FLAGS.large) setFlagsFromString(flag);
    small = false;
  }
}

/** True while the small-footprint settings hold (for the benchmark and tests). */
export const isSmallFootprint = (): boolean => small;
