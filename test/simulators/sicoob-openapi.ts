/**
 * Validates requests and responses against Sicoob's own OpenAPI documents (test/fixtures/sicoob, verbatim from
 * Sicoob-Cooperativa/sicoob_sdk_java) with ajv. OpenAPI 3.0 schemas are JSON Schema with differences handled here:
 * `nullable: true` becomes a `null` alternative, `$ref`s to `#/components/schemas/…` resolve inside the document
 * (registered whole under one `$id`), OpenAPI-only keywords (`example`, `x-*`, `xml`, `discriminator`,
 * `externalDocs`, `deprecated`) are dropped, and the OpenAPI formats int16/int32/int64/float/double are checked
 * (integer ranges) beside ajv-formats' `date` and `date-time`.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = Record<string, Json>;

const DROPPED = new Set(['example', 'examples', 'xml', 'discriminator', 'externalDocs', 'deprecated']);

/** OpenAPI 3.0 schema → JSON Schema (draft-07 as ajv reads it). */
export function toJsonSchema(s: Json): Json {
  if (Array.isArray(s)) return s.map(toJsonSchema);
  if (s === null || typeof s !== 'object') return s;
  const out: Obj = {};
  for (const [k, v] of Object.entries(s)) {
    if (DROPPED.has(k) || k.startsWith('x-') || k === 'nullable') continue;
    // `properties` maps names to schemas: its keys are never keywords, even when named "example".
    out[k] =
      k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, toJsonSchema(ps)]))
        : toJsonSchema(v);
  }
  if (s.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.type === undefined && out.$ref !== undefined) return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
  }
  return out;
}

const INT_RANGES: Record<string, [number, number]> = {
  int16: [-32_768, 32_767],
  int32: [-2_147_483_648, 2_147_483_647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

interface Param {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema?: Obj;
}
interface Operation {
  parameters?: (Param | { $ref: string })[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Obj }> };
  responses: Record<string, { content?: Record<string, { schema?: Obj }> }>;
}

export interface OpenApiDocument {
  raw: Obj;
  /** Problems with a request (empty = valid). */
  checkRequest(r: {
    method: string;
    path: string;
    query?: Record<string, string>;
    body?: unknown;
    contentType?: string;
  }): string[];
  /** Problems with a response (empty = valid). */
  checkResponse(r: { method: string; path: string; status: number; contentType?: string; body: unknown }): string[];
  /** A validator for one component schema (`Boleto`, `MensagensErro`…). */
  schema(name: string): ValidateFunction;
  /** Declared statuses of an operation. */
  statuses(method: string, path: string): string[];
}

export function loadOpenApi(file: string): OpenApiDocument {
  const raw = parse(readFileSync(file, 'utf8')) as Obj;
  const id = `https://boletoflow.test/openapi/${basename(file)}`;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const [f, [min, max]] of Object.entries(INT_RANGES))
    ajv.addFormat(f, { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= min && n <= max });
  for (const f of ['float', 'double'])
    ajv.addFormat(f, { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addSchema({ $id: id, components: toJsonSchema(raw.components ?? {}) });

  const compiled = new Map<string, ValidateFunction>();
  const compile = (schema: Obj): ValidateFunction => {
    const key = JSON.stringify(schema);
    let v = compiled.get(key);
    if (!v) {
      // A top-level $ref points into the registered document; anything else is wrapped so its inner refs resolve there.
      const js = toJsonSchema(schema) as Obj;
      v =
        typeof js.$ref === 'string' && js.$ref.startsWith('#/')
          ? ajv.compile({ $ref: `${id}${js.$ref}` })
          : ajv.compile({ $id: `${id}/inline/${compiled.size}`, definitions: {}, ...rewriteRefs(js, id) });
      compiled.set(key, v);
    }
    return v;
  };
  const errorsOf = (v: ValidateFunction, data: unknown, where: string): string[] =>
    v(data)
      ? []
      : (v.errors ?? []).map((e) => `${where}${e.instancePath || ''} ${e.message ?? ''} ${JSON.stringify(e.params)}`);

  const paths = Object.entries((raw.paths ?? {}) as unknown as Record<string, Record<string, Operation>>).map(
    ([template, ops]) => ({
      template,
      re: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}$`),
      ops,
    }),
  );
  const operation = (method: string, path: string): { op: Operation; template: string } | undefined => {
    // Literal paths win over templated ones (`/boletos/segunda-via` before `/boletos/{nossoNumero}`).
    const matches = paths.filter((p) => p.re.test(path) && p.ops[method.toLowerCase()]);
    matches.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
    const m = matches[0];
    return m ? { op: m.ops[method.toLowerCase()]!, template: m.template } : undefined;
  };
  const params = (op: Operation): Param[] =>
    (op.parameters ?? []).map((p) => {
      if ('$ref' in p) {
        const name = p.$ref.replace('#/components/parameters/', '');
        return ((raw.components as Obj).parameters as Record<string, Json>)[name] as unknown as Param;
      }
      return p;
    });

  const coerce = (value: string, schema: Obj | undefined): unknown => {
    if (schema?.type === 'integer' || schema?.type === 'number')
      return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    if (schema?.type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
    return value;
  };

  return {
    raw,
    statuses: (method, path) => Object.keys(operation(method, path)?.op.responses ?? {}),
    schema: (name) => compile({ $ref: `#/components/schemas/${name}` }),
    checkRequest({ method, path, query = {}, body, contentType = 'application/json' }) {
      const found = operation(method, path);
      if (!found) return [`${method} ${path}: no such operation in the document`];
      const problems: string[] = [];
      const declared = params(found.op);
      const pathValues = path.match(paths.find((p) => p.template === found.template)!.re)!.slice(1);
      const pathNames = [...found.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      for (const p of declared) {
        let value: string | undefined;
        if (p.in === 'query') value = query[p.name];
        else if (p.in === 'path') value = decodeURIComponent(pathValues[pathNames.indexOf(p.name)] ?? '');
        else continue;
        if (value === undefined) {
          if (p.required) problems.push(`${p.in} parameter ${p.name} is required`);
          continue;
        }
        problems.push(...errorsOf(compile(p.schema ?? {}), coerce(value, p.schema), `${p.in} parameter ${p.name}`));
      }
      for (const name of Object.keys(query))
        if (!declared.some((p) => p.in === 'query' && p.name === name))
          problems.push(`query parameter ${name} is not in the document`);
      const content = found.op.requestBody?.content;
      if (content) {
        if (body === undefined) {
          if (found.op.requestBody?.required) problems.push('request body is required');
        } else {
          const schema = content[contentType]?.schema;
          if (!schema)
            problems.push(`request body is ${contentType}; the document takes ${Object.keys(content).join(', ')}`);
          else problems.push(...errorsOf(compile(schema), body, 'request body'));
        }
      } else if (body !== undefined) problems.push('the operation takes no request body');
      return problems;
    },
    checkResponse({ method, path, status, contentType, body }) {
      const found = operation(method, path);
      if (!found) return [`${method} ${path}: no such operation in the document`];
      const declared = found.op.responses[String(status)] ?? found.op.responses.default;
      if (!declared)
        return [
          `${method} ${found.template}: status ${status} is not declared (declared: ${Object.keys(found.op.responses).join(', ')})`,
        ];
      const schema = declared.content?.['application/json']?.schema;
      if (!schema)
        return body === undefined || body === '' ? [] : [`status ${status} is declared without content, got a body`];
      if (!contentType?.startsWith('application/json'))
        return [`status ${status}: expected application/json, got ${contentType ?? 'no content-type'}`];
      return errorsOf(compile(schema), body, `response ${status}`);
    },
  };
}

function rewriteRefs(s: Json, id: string): Obj {
  const walk = (x: Json): Json => {
    if (Array.isArray(x)) return x.map(walk);
    if (x === null || typeof x !== 'object') return x;
    return Object.fromEntries(
      Object.entries(x).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${id}${v}` : walk(v),
      ]),
    );
  };
  return walk(s) as Obj;
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'sicoob');
/** Sicoob's Cobrança Bancária v3 document (paths relative to `/cobranca-bancaria/v3`). */
export const loadSicoobCobranca = (): OpenApiDocument => loadOpenApi(join(FIXTURES, 'cobranca-v3.openapi.yaml'));
/** Sicoob's authentication document (the token endpoint). */
export const loadSicoobAuth = (): OpenApiDocument => loadOpenApi(join(FIXTURES, 'auth.openapi.yaml'));
