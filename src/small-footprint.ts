/**
 * The daemon idles beside a workload for days and parses a small config now
 * and then, so it trades V8's peak speed for a small, flat footprint while it
 * can (figures in BENCHMARKS.md):
 *
 * - TurboFan stays off, and the young generation at its starting size,
 *   until a reload has a large amount of YAML to parse.
 *   Its first compilation alone adds about 5 MB of resident memory (compiler
 *   code paged in from the Node binary, and its heap); the interpreter,
 *   Sparkplug and Maglev run a small config's parse as well. A large config
 *   (megabytes, or a big streams directory) parses 2.5 times slower without
 *   it, so such a reload turns it on for good.
 * - The young generation would otherwise double up to 16 MB per semi-space
 *   under a burst of config changes, and stay that size; a large reload
 *   lets it grow again, as parsing megabytes needs it.
 *
 * V8 reads both flags each time it decides, so setting them after start
 * takes effect. Only the `run` daemon calls this, never the collector.
 */
import { setFlagsFromString } from 'node:v8';

/** YAML bytes to parse in one reload above which TurboFan is worth its memory. */
export const LARGE_PARSE_BYTES = 1024 * 1024;

let small = false;

export function preferSmallFootprint(): void {
  setFlagsFromString('--no-turbofan');
  setFlagsFromString('--semi-space-growth-factor=1');
  small = true;
}

/** Called before a reload parses `bytes` of YAML (counted in characters, which for YAML is near enough). */
export function beforeParsing(bytes: number): void {
  if (small && bytes >= LARGE_PARSE_BYTES) {
    setFlagsFromString('--turbofan');
    setFlagsFromString('--semi-space-growth-factor=2');
    small = false;
  }
}

/** True while the small-footprint settings hold (for the benchmark and tests). */
export const isSmallFootprint = (): boolean => small;
