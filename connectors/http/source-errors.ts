/** An HTTP answer of a source that the sync must react to: retry later, or give up with the reason. */
export class SourceHttpError extends Error {
  override name = 'SourceHttpError';
  readonly status: number;
  /** Seconds the source asked to wait (Retry-After), if it said. */
  readonly retryAfterSeconds: number | undefined;
  /** The provider's own error code, when its error body has one (Notion's `object_not_found`, Salesforce's `MALFORMED_QUERY`). */
  readonly code: string | undefined;
  constructor(status: number, message: string, retryAfterSeconds?: number, code?: string) {
    super(message);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
    this.code = code;
  }

  /**
   * The error of a source's non-2xx answer, whose body text was read: its status, the start of the
   * body as the reason, and its Retry-After.
   */
  static fromResponse(
    response: { status: number; statusText: string; headers: { get(name: string): string | null } },
    text: string,
    what: string,
  ): SourceHttpError {
    const detail = text.slice(0, 200).replace(/\s+/g, ' ').trim();
    const message = `${what} answered ${response.status} ${response.statusText}${detail ? `: ${detail}` : ''}`;
    return new SourceHttpError(response.status, message, retryAfterSeconds(response.headers.get('retry-after'), new Date()));
  }

  /** 429 and 5xx pass; any other 4xx means the configuration or the credential is wrong. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** Retry-After as seconds, from either of its forms (delta-seconds or an HTTP date). */
export function retryAfterSeconds(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now.getTime()) / 1000);
}

/** The source limits our rate for longer than an activity should wait: the page is read again at `resumeAt`, not sooner. */
export class SourceRateLimitedError extends Error {
  override name = 'SourceRateLimitedError';
  readonly resumeAt: Date;
  constructor(message: string, resumeAt: Date) {
    super(message);
    this.resumeAt = resumeAt;
  }
}

/** The source cannot be read as configured (a start URL that is gone, an address the policy refuses); retrying will not help. */
export class SourceRefusedError extends Error {
  override name = 'SourceRefusedError';
}
