import { z } from 'zod';

const MIN_KEY_BYTES = 32;
/** Random keys of 32 bytes use far more than this many characters; a key below it is a word or a pattern. */
const MIN_DISTINCT_CHARACTERS = 12;

/** The bytes of key material a key carries, read as hex or as base64/base64url; undefined if it is neither. */
function keyMaterialBytes(key: string): number | undefined {
  if (/^[0-9a-f]+$/i.test(key)) return Math.floor(key.length / 2);
  const base64 = /^([A-Za-z0-9+/_-]+)={0,2}$/.exec(key);
  return base64?.[1] ? Math.floor((base64[1].length * 3) / 4) : undefined;
}

/**
 * TRIBUTARY_SECRET_KEY seals every credential, so it must hold at least 32 random bytes: 64 or more
 * hex digits, or 43 or more base64/base64url characters (what `openssl rand -base64 32` prints).
 * The message never repeats the key.
 * @example secretKeySchema.parse(randomBytes(32).toString('base64'))
 */
export const secretKeySchema = z.string().superRefine((key, context) => {
  const bytes = keyMaterialBytes(key);
  const hint = 'generate one with `openssl rand -base64 32`';
  if (bytes === undefined) context.addIssue({ code: 'custom', message: `must be base64 or hex encoded random bytes; ${hint}` });
  else if (bytes < MIN_KEY_BYTES) context.addIssue({ code: 'custom', message: `must hold at least ${MIN_KEY_BYTES} bytes (it holds ${bytes}); ${hint}` });
  else if (new Set(key).size < MIN_DISTINCT_CHARACTERS) context.addIssue({ code: 'custom', message: `repeats too few characters to be random; ${hint}` });
});
