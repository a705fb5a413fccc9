import { homedir } from 'node:os';
import path from 'node:path';

/** Where benches keep data that takes minutes to generate: outside the repo and the temp folder, reused between runs. */
export function benchCacheRoot(): string {
  return process.env.STRATUS_BENCH_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'stratus-bench');
}
