import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/env.ts';

describe('configuration', () => {
  it('applies the embedded defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8080,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'tributary',
      TEMPORAL_DEV_PORT: 7233,
      TEMPORAL_UI_PORT: 8233,
      embeddedTemporal: true,
      temporalAddress: '127.0.0.1:7233',
      TRIBUTARY_ALLOWED_HOSTS: [],
      TRIBUTARY_DIRECTORY_ROOTS: [],
    });
    expect(config.dataDir).toBe(path.resolve('.tributary'));
    expect(config.DATABASE_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('uses an external cluster and PostgreSQL when they are configured', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      DATABASE_URL: 'postgres://tributary@db/tributary',
      TRIBUTARY_ALLOWED_HOSTS: ' 10.0.0.0/8, wiki.internal ,',
    });
    expect(config.embeddedTemporal).toBe(false);
    expect(config.temporalAddress).toBe('temporal.internal:7233');
    expect(config.DATABASE_URL).toBe('postgres://tributary@db/tributary');
    expect(config.TRIBUTARY_ALLOWED_HOSTS).toEqual(['10.0.0.0/8', 'wiki.internal']);
  });

  it('reads the server’s own OAuth clients by source type, and names a half-given one', () => {
    const config = loadConfig({
      TRIBUTARY_OAUTH_GOOGLE_DRIVE_CLIENT_ID: 'drive-client',
      TRIBUTARY_OAUTH_GOOGLE_DRIVE_CLIENT_SECRET: 'drive-secret',
      TRIBUTARY_OAUTH_SHAREPOINT_CLIENT_ID: 'graph-client',
      TRIBUTARY_OAUTH_SHAREPOINT_CLIENT_SECRET: 'graph-secret',
      TRIBUTARY_OAUTH_SHAREPOINT_TOKEN_URL: 'https://login.microsoftonline.com/contoso/oauth2/v2.0/token',
    });
    expect(config.oauthClients).toEqual({
      google_drive: { clientId: 'drive-client', clientSecret: 'drive-secret' },
      sharepoint: { clientId: 'graph-client', clientSecret: 'graph-secret', tokenUrl: 'https://login.microsoftonline.com/contoso/oauth2/v2.0/token' },
    });
    expect(() => loadConfig({ TRIBUTARY_OAUTH_SLACK_CLIENT_ID: 'slack-client' })).toThrow(
      'TRIBUTARY_OAUTH_SLACK_CLIENT_SECRET: required with TRIBUTARY_OAUTH_SLACK_CLIENT_ID',
    );
    expect(() =>
      loadConfig({ TRIBUTARY_OAUTH_SLACK_CLIENT_ID: 'c', TRIBUTARY_OAUTH_SLACK_CLIENT_SECRET: 's', TRIBUTARY_OAUTH_SLACK_TOKEN_URL: 'javascript:alert(1)' }),
    ).toThrow('TRIBUTARY_OAUTH_SLACK_TOKEN_URL: must be an http or https URL');
  });

  it('treats empty values as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', TEMPORAL_ADDRESS: ' ' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.embeddedTemporal).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ TEMPORAL_DEV_PORT: '-1' }, 'TEMPORAL_DEV_PORT'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ TRIBUTARY_ADMIN_KEY: 'short' }, 'TRIBUTARY_ADMIN_KEY'],
    [{ TRIBUTARY_SECRET_KEY: 'changeme' }, 'TRIBUTARY_SECRET_KEY'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('refuses %o and names %s', (environment, variable) => {
    expect(() => loadConfig(environment)).toThrow(ConfigError);
    expect(() => loadConfig(environment)).toThrow(new RegExp(`^Invalid configuration:\\n  ${variable}: `));
  });
});
