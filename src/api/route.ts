/**
 * One declaration per endpoint. The same object drives request validation (zod), authentication and role
 * checks, rate limiting, metrics labels, and the OpenAPI 3.1 document: nothing about an endpoint is written
 * twice.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../logging';
import type { Role } from '../contracts/access';
import type { Principal } from './auth';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

type Obj = z.ZodObject | undefined;
type Inferred<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface RouteContext<P extends Obj, Q extends Obj, B extends z.ZodType | undefined> {
  /** Parsed request headers declared by the route (lower-case names). */
  headers: Record<string, string>;
  params: Inferred<P>;
  query: Inferred<Q>;
  body: Inferred<B>;
  /** Present on every non-public route. */
  principal: Principal;
  req: Request;
  res: Response;
  log: Logger;
}

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json when a schema is given. */
  contentType?: string;
}

export interface ApiRoute<
  P extends Obj = Obj,
  Q extends Obj = Obj,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HttpMethod;
  /** Express-style path: /v1/boletos/:id */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** 'public' needs no API key; otherwise the roles that may call it. */
  access: 'public' | readonly Role[];
  request?: { params?: P; query?: Q; body?: B; headers?: z.ZodObject };
  responses: Record<number, ResponseSpec>;
  /** Health and metrics are not rate limited. */
  rateLimited?: boolean;
  /** A third party's payload (bank webhooks): its unknown fields are the sender's business, not an error. */
  foreignBody?: boolean;
  /** Called from a browser (the Temporal Web UI): a codec login session cookie is accepted as well as an API key. */
  browserSession?: boolean;
  handler: (ctx: RouteContext<P, Q, B>) => unknown;
}

/** Keeps the handler's types tied to the schemas. */
export function defineRoute<
  P extends Obj = undefined,
  Q extends Obj = undefined,
  B extends z.ZodType | undefined = undefined,
>(route: ApiRoute<P, Q, B>): ApiRoute {
  const body = route.request?.body;
  // Writes reject unknown fields: a typo in a field name must not be silently ignored.
  if (
    !route.foreignBody &&
    body instanceof z.ZodObject &&
    (body.def.catchall as z.ZodType | undefined)?.def.type !== 'never'
  ) {
    throw new Error(`${route.operationId}: request body schemas must be strict objects (z.strictObject)`);
  }
  return route;
}

export const openApiPath = (expressPath: string): string => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The problem+json body every error uses (RFC 9457). */
export const ProblemSchema = z
  .object({
    type: z.string().meta({ example: 'https://boletoflow.dev/problems/validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string().meta({ example: 'body.amountCents' }), reason: z.string() }))
      .optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
