/**
 * Node flags of the worker process: a small young generation and a bounded old generation make V8
 * collect the per-page garbage of a sync early, which keeps the worker's resident memory low (see
 * bench/README.md). Kept in step with package.json's `worker` script and docker-compose.yml.
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=256'];
