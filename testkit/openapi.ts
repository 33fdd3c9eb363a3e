/**
 * openapi.yaml for the tests: its operations, the response it describes for a status, and a small JSON Schema check
 * (the subset the document uses: type, required, properties, additionalProperties, enum, const, pattern, items,
 * minLength/maxLength, minimum), so the fuzzer can hold every answer to the description.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

export const OPENAPI_FILE = join(__dirname, '..', 'openapi.yaml');
export const ALL_STAGES = ['local', 'dev', 'prod'] as const;
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export type Schema = {
  $ref?: string;
  type?: string | string[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  items?: Schema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
};
export type Header = { $ref?: string; required?: boolean; schema?: Schema };
export type Response = {
  $ref?: string;
  description?: string;
  headers?: Record<string, Header>;
  content?: Record<string, { schema?: Schema }>;
  'x-error-codes'?: string[];
  'x-token-bearing'?: boolean;
};
export type Operation = { operationId: string; responses: Record<string, Response>; parameters?: unknown[]; requestBody?: unknown; security?: unknown[] };
/** `x-any-method.allow`: the methods described, as the `Allow` header lists them (`POST`, or `GET, POST`). */
export type PathItem = { 'x-api'?: 'rest' | 'http'; 'x-stages'?: string[]; 'x-any-method'?: { allow: string } } & Partial<Record<(typeof HTTP_METHODS)[number], Operation>>;
export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, Schema>; responses: Record<string, Response>; headers: Record<string, Header> };
}

export function readOpenApi(file = OPENAPI_FILE): OpenApiDoc {
  return load(readFileSync(file, 'utf8')) as OpenApiDoc;
}

/** Follows a local `#/components/...` reference. */
export function deref<T extends { $ref?: string }>(doc: OpenApiDoc, node: T): T {
  let n: T = node;
  for (let i = 0; n?.$ref && i < 10; i++) {
    n = n.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((o: unknown, k) => (o as Record<string, unknown>)?.[k], doc as unknown) as T;
  }
  return n;
}

/** The stages a path item is deployed in. */
export const stagesOf = (item: PathItem): string[] => item['x-stages'] ?? [...ALL_STAGES];

export function operationsOf(item: PathItem): Array<[string, Operation]> {
  return HTTP_METHODS.filter((m) => item[m]).map((m) => [m.toUpperCase(), item[m]!]);
}

/** The response openapi.yaml describes for this path, method and status (exact, then `4XX`-style, then default). */
export function describedResponse(doc: OpenApiDoc, path: string, method: string, status: number): Response | undefined {
  const op = doc.paths[path]?.[method.toLowerCase() as (typeof HTTP_METHODS)[number]];
  const item = doc.paths[path];
  // A method the function refuses (`method: any`): described by the allowed operation's 405.
  const viaAny = !op && item?.['x-any-method'] ? item[item['x-any-method'].allow.split(/,\s*/)[0].toLowerCase() as (typeof HTTP_METHODS)[number]] : undefined;
  const o = op ?? viaAny;
  if (!o) return undefined;
  const r = o.responses[String(status)] ?? o.responses[`${String(status)[0]}XX`] ?? o.responses.default;
  return r ? deref(doc, r) : undefined;
}

/** Problems of `value` against `schema` (empty: it matches). */
export function schemaProblems(doc: OpenApiDoc, schema: Schema, value: unknown, at = '$'): string[] {
  const s = deref(doc, schema);
  const out: string[] = [];
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
  if (types.length && !types.some((t) => t === typeOf(value) || (t === 'number' && typeof value === 'number'))) return [`${at}: ${typeOf(value)}, not ${types.join('|')}`];
  if (s.const !== undefined && value !== s.const) out.push(`${at}: not ${JSON.stringify(s.const)}`);
  if (s.enum && !s.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} is not one of ${s.enum.join(', ')}`);
  if (typeof value === 'string') {
    if (s.pattern && !new RegExp(s.pattern, 'u').test(value)) out.push(`${at}: does not match ${s.pattern}`);
    if (s.minLength !== undefined && value.length < s.minLength) out.push(`${at}: shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && value.length > s.maxLength) out.push(`${at}: longer than ${s.maxLength}`);
  }
  if (typeof value === 'number' && s.minimum !== undefined && value < s.minimum) out.push(`${at}: below ${s.minimum}`);
  if (Array.isArray(value) && s.items) value.forEach((v, i) => out.push(...schemaProblems(doc, s.items!, v, `${at}[${i}]`)));
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in obj)) out.push(`${at}.${r}: missing`);
    for (const [k, v] of Object.entries(obj)) {
      const p = s.properties?.[k];
      if (p) out.push(...schemaProblems(doc, p, v, `${at}.${k}`));
      else if (s.additionalProperties === false) out.push(`${at}.${k}: not allowed`);
    }
  }
  return out;
}
