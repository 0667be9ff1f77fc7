/**
 * Node flags of the worker process: a small young generation makes V8 collect the per-page garbage
 * of a sync early, which keeps the worker's resident memory low (see bench/README.md).
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=4'];
