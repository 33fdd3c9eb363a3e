/** The route → scopes table (custom.portcullis.routes), in the syntax serverless.yml uses. */
import { ConfigError } from './env-values';
import type { RouteRule } from './types';

/** Accepts `{"GET /x": "a b"}`, `{"GET /x": ["a","b"]}` or `{"GET /x": {"scopes": [...], "match": "any"}}`. */
export function parseRoutes(raw: unknown): RouteRule[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError('routes must be an object of "METHOD /path" keys');
  return Object.entries(raw as Record<string, unknown>).map(([key, value]) => {
    const m = /^([A-Za-z]+|\*)\s+(\/\S*)$/.exec(key.trim());
    if (!m) throw new ConfigError(`route "${key}" must look like "GET /path"`);
    const method = m[1] === '*' ? 'ANY' : m[1].toUpperCase();
    let scopes: string[];
    let match: 'all' | 'any' = 'all';
    if (typeof value === 'string') scopes = value.split(' ').filter(Boolean);
    else if (Array.isArray(value)) scopes = value.map(String);
    else if (value && typeof value === 'object') {
      const v = value as { scopes?: unknown; match?: unknown };
      scopes = typeof v.scopes === 'string' ? v.scopes.split(' ').filter(Boolean) : Array.isArray(v.scopes) ? v.scopes.map(String) : [];
      if (v.match !== undefined && v.match !== 'all' && v.match !== 'any') throw new ConfigError(`route "${key}": match must be "all" or "any"`);
      if (v.match) match = v.match as 'all' | 'any';
    } else throw new ConfigError(`route "${key}" has no scopes`);
    return { method, path: m[2], scopes, match };
  });
}
