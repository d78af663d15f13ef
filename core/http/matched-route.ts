import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/**
 * The route that will answer this request: the first matched route registered for a method
 * (middleware from `app.use` is registered as ALL and skipped). Null when only middleware
 * matched, i.e. the request ends in 404. Works in middleware before the handler runs.
 */
export function matchedRoute(c: Context): { method: string; path: string } | null {
  for (const route of matchedRoutes(c)) {
    if (route.method !== 'ALL') return { method: route.method, path: route.path };
  }
  return null;
}
