import type { TributaryClient } from '../client/index.ts';
import type { ProgressOutput } from './progress.ts';

/** What a command gets: the client, its arguments and flags, and where to write. */
export interface CommandContext {
  client: TributaryClient;
  args: string[];
  flags: { follow: boolean; full: boolean; json: boolean; type?: string | undefined; state?: string | undefined };
  stdout: ProgressOutput;
  stderr: ProgressOutput;
  /** Aborted when the user interrupts (Ctrl-C). */
  signal: AbortSignal;
}

/** A command answers its exit status: 0 done, 1 the sync failed or was canceled. */
export type Command = (context: CommandContext) => Promise<number>;

/** A command line the commands cannot run; exits with status 2 and the usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command's positional arguments, by name, or a usage error naming the missing one. */
export function argumentsOf<const Names extends readonly string[]>(context: CommandContext, ...names: Names): { [K in keyof Names]: string } {
  if (context.args.length !== names.length) {
    throw new UsageError(`expected ${names.map((name) => `<${name}>`).join(' ')}, got ${context.args.length ? context.args.join(' ') : 'nothing'}`);
  }
  return context.args as unknown as { [K in keyof Names]: string };
}
