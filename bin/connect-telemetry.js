#!/usr/bin/env node
// Checks the Node.js version first, then loads the bundled command line (a
// dynamic import, so that nothing of it is read or linked on a Node it does
// not run on). Set NODE_COMPILE_CACHE to a writable directory to keep V8's
// compiled code across restarts (the container image points it into its
// state volume).
import { nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(problem + '\n');
  process.exitCode = 2;
} else {
  import('../dist/bundle/connect-telemetry.js').then(function (cli) {
    cli.main();
  });
}
