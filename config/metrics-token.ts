import { createHash, timingSafeEqual } from 'node:crypto';

/** What a scraper without the right token is told, by the API and the worker alike. */
export const METRICS_TOKEN_HINT = 'Send the metrics token as "Authorization: Bearer <token>"';

/**
 * Whether an `Authorization` header carries the metrics token (TRIBUTARY_METRICS_TOKEN). Digests
 * have one length, so the comparison takes the same time whatever was sent.
 */
export function metricsTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    return presented !== undefined && timingSafeEqual(digest(presented), expected);
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
