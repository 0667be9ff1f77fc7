import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../config/env.ts';
import { WORKER_NODE_FLAGS } from '../worker/node-flags.ts';
import { projectRoot } from '../tools/processes.ts';

const require = createRequire(import.meta.url);
const composeSchema = JSON.parse(readFileSync(path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json'), 'utf8'));
const compose = parse(readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true });

describe('docker-compose.yml', () => {
  // The schema names draft-07 by its https address, which Ajv does not preload; its keywords are draft-07's.
  const validate = new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile(composeSchema);

  it('is valid against the Compose specification schema', () => {
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('would be caught by the schema if it were malformed', () => {
    const broken = structuredClone(compose);
    broken.services.api.depends_on = { postgresql: { condition: 'when_it_feels_like_it' } };
    broken.services.worker.restart_policy = 'always';
    expect(validate(broken)).toBe(false);
  });

  it('describes Temporal on PostgreSQL, its UI, and the API and worker built from this repository', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'api', 'worker']));
    expect(compose.services.temporal.environment.DB).toBe('postgres12');
    expect(compose.services.temporal.environment.POSTGRES_SEEDS).toBe('postgresql');
    for (const name of ['api', 'worker']) {
      expect(compose.services[name].build).toBe('.');
      expect(compose.services[name].environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(compose.services[name].environment.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgresql:5432\//);
    }
    expect(compose.services.worker.command).toEqual(['node', ...WORKER_NODE_FLAGS, 'worker/main.ts']);
    expect(compose.services.api.command).toEqual(['node', 'api/main.ts']);
    const packageJson = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(packageJson.scripts.worker).toBe(['node', ...WORKER_NODE_FLAGS, 'worker/main.ts'].join(' '));
  });

  it('configures the processes only through variables the configuration schema knows', () => {
    const known = new Set(Object.keys(envSchema.shape));
    for (const name of ['api', 'worker']) {
      for (const variable of Object.keys(compose.services[name].environment)) expect(known).toContain(variable);
    }
  });

  it('registers the search attributes the workflows use', () => {
    const command = String(compose.services['temporal-search-attributes'].command);
    for (const attribute of ['TributaryConnectorId', 'TributaryConnectorType', 'TributaryWorkspaceId']) {
      expect(command).toContain(attribute);
    }
  });
});
