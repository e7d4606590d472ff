#!/usr/bin/env node
// Set NODE_COMPILE_CACHE to a writable directory to keep V8's compiled code
// across restarts (the container image points it into its state volume).
import { main } from '../dist/bundle/connect-telemetry.js';

main();
