// Preloaded with --import by the benchmark: records every module the process
// loads and writes the list to $BENCH_MODULES_FILE on SIGUSR2 and at exit.
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';

const loaded = [];
registerHooks({
  load(url, context, next) {
    loaded.push(url);
    return next(url, context);
  },
});
const target = process.env.BENCH_MODULES_FILE;
const write = () => {
  if (target) writeFileSync(target, `${loaded.join('\n')}\n`);
};
process.on('SIGUSR2', write);
process.on('exit', write);
