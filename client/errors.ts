import type { components } from './openapi.ts';

/** The codes the API answers errors with, plus `unexpected_response` for a body that is not the API's error shape (a proxy's page, say). */
export type TributaryErrorCode = components['schemas']['Error']['error']['code'] | 'unexpected_response';

/**
 * An error answer of the Tributary API, with its HTTP status, code and message.
 * @example
 * try { await client.connectors.sync(id); } catch (error) {
 *   if (error instanceof TributaryApiError && error.code === 'conflict') console.log('a sync is already running');
 * }
 */
export class TributaryApiError extends Error {
  override name = 'TributaryApiError';
  readonly status: number;
  readonly code: TributaryErrorCode;
  readonly details: unknown;

  constructor(status: number, code: TributaryErrorCode, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The error of a response whose body openapi-fetch has already read (JSON when it could, else text). */
  static fromResponse(response: Response, body: unknown): TributaryApiError {
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    if (typeof error?.code === 'string' && typeof error.message === 'string') {
      return new TributaryApiError(response.status, error.code as TributaryErrorCode, error.message, error.details);
    }
    return new TributaryApiError(response.status, 'unexpected_response', `${response.url} answered ${response.status} ${response.statusText}`.trim());
  }
}
