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

  it('builds an image holding every folder the entry points import', () => {
    const dockerfile = readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:24/m);
    expect(dockerfile).toMatch(/^COPY \. \.$/m);
    const ignored = readFileSync(path.join(projectRoot, '.dockerignore'), 'utf8').split('\n').filter(Boolean);
    const folders = importedFolders(['api/main.ts', 'worker/main.ts', 'scripts/migrate.ts']);
    expect(folders).toEqual(expect.arrayContaining(['api', 'application', 'workflows', 'activities', 'connectors', 'db', 'domain']));
    expect(folders.filter((folder) => ignored.includes(folder))).toEqual([]);
  });
});

/** Top-level folders reached from the entry points through relative imports, followed file by file. */
function importedFolders(entries: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(path.join(projectRoot, file), 'utf8');
    for (const match of source.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+\.ts)'/g)) {
      queue.push(path.relative(projectRoot, path.resolve(projectRoot, path.dirname(file), match[1]!)));
    }
  }
  return [...new Set([...seen].map((file) => file.split(path.sep)[0]!))].sort();
}
