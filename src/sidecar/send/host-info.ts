/** The host facts a payload carries (CPU count, architecture, OS), read from `os` once. */
import { availableParallelism, arch, endianness, platform } from 'node:os';
import { hostInfoFrom, type HostInfo } from './payload.ts';

/** Reads the host's facts once; the payload module stays pure. */
export function readHostInfo(): HostInfo {
  return hostInfoFrom(availableParallelism(), arch(), platform(), endianness());
}
