import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Keeps every core busy until stopped (Ctrl-C), so the tests can be run on a loaded machine:
 * `node tools/busy-cores.ts & npm test; kill %1`. One spinning thread per core, `--cores N` for fewer.
 */
const flag = process.argv.indexOf('--cores');
const cores = flag === -1 ? availableParallelism() : Number(process.argv[flag + 1]);
const spin = 'for (;;) {}';
for (let index = 0; index < cores; index += 1) new Worker(spin, { eval: true });
process.stdout.write(`busy-cores: ${cores} threads spinning; Ctrl-C stops them\n`);
