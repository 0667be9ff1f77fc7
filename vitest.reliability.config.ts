import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * The heavy fault cases (`npm run test:reliability`): one file at a time, since they kill and restart
 * shared servers (PostgreSQL among them) and load the machine on purpose. Spread rather than merged:
 * merging would keep the base's exclusion of these very files.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/reliability/heavy/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    maxWorkers: 1,
    testTimeout: 300_000,
  },
});
