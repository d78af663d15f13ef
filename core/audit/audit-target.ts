import { createHash } from 'node:crypto';

/** The longest `target` an audit row stores; longer ones are cut and marked with a hash of the whole. */
export const MAX_AUDIT_TARGET_LENGTH = 256;

/** A path segment kept as sent: the shape of every identifier core hands out (UUIDs, job ids, versions, queue names). */
const SAFE_SEGMENT = /^[A-Za-z0-9._:-]{1,128}$/;

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** `invalid:<16 hex of SHA-256>` for a client-supplied value that is not a plausible identifier. */
export const invalidMarker = (value: string): string => `invalid:${shortHash(value)}`;

/**
 * Bounds any target before it is stored: at most {@link MAX_AUDIT_TARGET_LENGTH} characters;
 * a longer one keeps its start and ends with `…#<16 hex of SHA-256 of the whole>`, so rows about
 * the same long value still group together.
 */
export function boundAuditTarget(target: string): string {
  if (target.length <= MAX_AUDIT_TARGET_LENGTH) return target;
  const suffix = `…#${shortHash(target)}`;
  return target.slice(0, MAX_AUDIT_TARGET_LENGTH - suffix.length) + suffix;
}

/**
 * The target of a row whose handler named none (the request was refused before it ran: bad
 * input, no permission): the matched route pattern with each path parameter filled in only when
 * it looks like an identifier, otherwise {@link invalidMarker}; a wildcard tail the same way.
 * Never the raw client path, so a 15,000-character segment is stored as 24 characters.
 */
export function routeTarget(pattern: string, pathname: string): string {
  const patternParts = pattern.split('/');
  const pathParts = pathname.split('/');
  const out: string[] = [];
  for (let i = 0; i < patternParts.length; i++) {
    const part = patternParts[i]!;
    if (part === '*') {
      const tail = pathParts.slice(i).join('/');
      out.push(tail.split('/').every((segment) => segment === '' || SAFE_SEGMENT.test(segment)) && tail.length <= 128 ? tail : invalidMarker(tail));
      break;
    }
    if (part.startsWith(':')) {
      const value = safeDecode(pathParts[i] ?? '');
      out.push(SAFE_SEGMENT.test(value) ? value : invalidMarker(value));
    } else {
      out.push(part);
    }
  }
  return boundAuditTarget(out.join('/'));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
