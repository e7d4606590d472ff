#!/usr/bin/env node
import { enableCompileCache } from 'node:module';

// Keep V8's compiled code on disk (in the OS temp directory, or
// NODE_COMPILE_CACHE) so that a restart does not compile every module again.
// Where that directory cannot be written, nothing is cached and nothing fails.
enableCompileCache?.();
const { main } = await import('../dist/main.js');

main();
