import { writeFileSync } from 'node:fs';
import { bundleWorkflows } from './create-worker.ts';

/**
 * Bundles the workflow code into the file named by the first argument. The worker runs this as a
 * child process, so webpack's memory is returned to the system instead of staying in the worker.
 */
const output = process.argv[2];
if (!output) {
  process.stderr.write('usage: node worker/bundle-workflows.ts <output file>\n');
  process.exit(2);
}
const bundle = await bundleWorkflows();
if (!('code' in bundle)) throw new Error('expected an in-memory workflow bundle');
writeFileSync(output, bundle.code);
