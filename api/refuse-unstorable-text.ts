import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import { AppError } from '../application/errors.ts';
import { unstorableReason } from '../domain/storable-text.ts';
import type { AppEnv } from './principal.ts';

interface Finding {
  where: 'path' | 'query' | 'request body';
  path: string[];
  reason: string;
}

/**
 * Answers 400 naming the field when a path parameter, a query parameter or any string of a JSON body
 * (keys too) holds text no database can store, before any route reads or writes with it.
 */
export const refuseUnstorableText = createMiddleware<AppEnv>(async (c, next) => {
  const finding = inPath(c) ?? inQuery(c) ?? (await inJsonBody(c));
  if (finding) {
    const field = finding.path.length > 0 ? finding.path.join('.') : finding.where;
    const message = `${finding.reason}, which cannot be stored`;
    throw new AppError('invalid_request', `Invalid ${finding.where}: ${field}: ${message}`, {
      issues: [{ path: finding.path, message, code: 'custom' }],
    });
  }
  await next();
});

function inPath(c: Context<AppEnv>): Finding | undefined {
  // The route that will answer is the first one after the middlewares; its pattern names the segments.
  const route = matchedRoutes(c)
    .slice(c.req.routeIndex + 1)
    .find((candidate) => candidate.method !== 'ALL');
  const pattern = (route?.path ?? '').split('/');
  const segments = c.req.path.split('/');
  for (const [index, segment] of segments.entries()) {
    const reason = unstorableReason(decoded(segment));
    if (reason) return { where: 'path', path: [/^:(\w+)/.exec(pattern[index] ?? '')?.[1] ?? 'path'], reason };
  }
  return undefined;
}

function inQuery(c: Context<AppEnv>): Finding | undefined {
  for (const [key, values] of Object.entries(c.req.queries())) {
    const reason = unstorableReason(key) ?? values.map(unstorableReason).find((found) => found !== undefined);
    if (reason) return { where: 'query', path: [key], reason };
  }
  return undefined;
}

async function inJsonBody(c: Context<AppEnv>): Promise<Finding | undefined> {
  if (!c.req.raw.body || !/^application\/([\w.-]+\+)?json/i.test(c.req.header('content-type') ?? '')) return undefined;
  const text = await c.req.text();
  // Only a \u escape puts either character in valid JSON, so most bodies need no second parse.
  if (!/\\u(0000|d[89a-f])/i.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // The route's validator answers invalid_json.
  }
  const found = findInJson(value);
  return found && { where: 'request body', ...found };
}

interface Pending {
  value: unknown;
  key: string | undefined;
  parent: Pending | undefined;
}

/** Walks without recursion and builds a path only for the string it reports: deep nesting costs no stack. */
function findInJson(root: unknown): { path: string[]; reason: string } | undefined {
  const pending: Pending[] = [{ value: root, key: undefined, parent: undefined }];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const { value } = node;
    if (typeof value === 'string') {
      const reason = unstorableReason(value);
      if (reason) return { path: pathOf(node), reason };
    } else if (Array.isArray(value)) {
      value.forEach((element, index) => pending.push({ value: element, key: String(index), parent: node }));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        const reason = unstorableReason(key);
        if (reason) return { path: pathOf({ value: child, key, parent: node }), reason: `its key ${reason}` };
        pending.push({ value: child, key, parent: node });
      }
    }
  }
  return undefined;
}

function pathOf(node: Pending): string[] {
  const path: string[] = [];
  for (let at: Pending | undefined = node; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
