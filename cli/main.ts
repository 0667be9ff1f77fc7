#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createTributaryClient, TributaryApiError } from '../client/index.ts';
import { cancelSync, resyncSync } from './commands/control.ts';
import { getConnector, listConnectors } from './commands/connectors.ts';
import { showLogs } from './commands/logs.ts';
import { followSync, startSync } from './commands/sync.ts';
import { UsageError, type Command } from './context.ts';

const DEFAULT_URL = 'http://127.0.0.1:8080';

const usage = `Usage: tributary <command> [options]

Commands:
  connectors list [--type <type>] [--state <state>] [--json]
                                      the workspace's connectors
  connectors get <connector>          one connector, as JSON
  sync <connector> [--full] [--follow]
                                      start a sync; --follow shows its progress until it ends
  follow <connector> <job>            show a sync's progress until it ends
  cancel <connector> <job>            stop a running sync
  resync <connector> <job>            restart a running sync as a full sync
  logs <connector> <job>              a sync's outcome and the items it could not deliver

Options:
  --url <url>   the Tributary API (env TRIBUTARY_URL; default ${DEFAULT_URL})
  --key <key>   an API key of the workspace (env TRIBUTARY_API_KEY, which keeps it out of the process list)
  -h, --help    this help

Exit status: 0 done; 1 the API refused, or a followed sync failed or was canceled; 2 a usage error; 130 interrupted.
`;

const commands: Record<string, Command> = {
  'connectors list': listConnectors,
  'connectors get': getConnector,
  sync: startSync,
  follow: followSync,
  cancel: cancelSync,
  resync: resyncSync,
  logs: showLogs,
};

/** The command named by the first one or two words, and the arguments after them. */
function commandOf(positionals: string[]): { command: Command; args: string[] } {
  for (const words of [2, 1]) {
    const command = commands[positionals.slice(0, words).join(' ')];
    if (command) return { command, args: positionals.slice(words) };
  }
  throw new UsageError(positionals.length ? `unknown command: ${positionals.join(' ')}` : 'no command given');
}

/** What to tell the user about an error, without a stack: the API's message with its code, or why the API could not be reached. */
function describe(error: unknown, url: string): string {
  if (error instanceof TributaryApiError) return `${error.message} (${error.code}, HTTP ${error.status})`;
  if (error instanceof TypeError && error.cause instanceof Error) return `cannot reach ${url}: ${error.cause.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      follow: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      type: { type: 'string' },
      state: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const { command, args } = commandOf(positionals);
  const url = values.url ?? env.TRIBUTARY_URL ?? DEFAULT_URL;
  const apiKey = values.key ?? env.TRIBUTARY_API_KEY;
  if (!apiKey) throw new UsageError('no API key: set TRIBUTARY_API_KEY or pass --key');

  const interrupted = new AbortController();
  process.once('SIGINT', () => interrupted.abort());
  try {
    return await command({
      client: createTributaryClient({ baseUrl: url, apiKey }),
      args,
      flags: { follow: values.follow, full: values.full, json: values.json, type: values.type, state: values.state },
      stdout: process.stdout,
      stderr: process.stderr,
      signal: interrupted.signal,
    });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    process.stderr.write(`error: ${describe(error, url)}\n`);
    return 1;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2), process.env);
} catch (error) {
  // parseArgs refuses unknown options with a TypeError of its own code.
  const isUsage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  if (!isUsage) throw error;
  process.stderr.write(`error: ${(error as Error).message}\n\n${usage}`);
  process.exitCode = 2;
}
