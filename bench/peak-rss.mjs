// Loaded with --import by the benchmark: at exit, writes this process's peak
// resident memory (getrusage's maxrss, in kB) and the CPU time it used (user
// plus system, in µs), separated by a space, to the file BENCH_RSS_FILE names.
// CPU time is what a comparison can lean on when other work shares the machine.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}`);
  });
}
