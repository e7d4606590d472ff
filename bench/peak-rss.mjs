// Loaded with --import by the benchmark: at exit, writes this process's peak
// resident memory (getrusage's maxrss, in kB) to the file BENCH_RSS_FILE names.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
