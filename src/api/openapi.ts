/**
 * The OpenAPI 3.1 document, generated from the route declarations (src/api/route.ts), served at
 * /openapi.json, with a Swagger UI page at /docs (assets from the swagger-ui-dist package: works offline).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { VERSION } from '../version';
import { SESSION_COOKIE } from './codec-session';
import { type ApiRoute, openApiPath, ProblemSchema } from './route';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

export function buildOpenApiDocument(routes: readonly ApiRoute[], serverUrl?: string): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerApiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'API key created with `npm run keys -- create`, sent as `Authorization: Bearer bfk_...`',
  });
  registry.registerComponent('securitySchemes', 'headerApiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  registry.registerComponent('securitySchemes', 'codecSession', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'Browser session from POST /codec/login (the Temporal Web UI sends it with "include credentials")',
  });

  for (const r of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      responses[status] = spec.schema
        ? {
            description: spec.description,
            content: { [spec.contentType ?? 'application/json']: { schema: spec.schema } },
          }
        : Number(status) >= 400
          ? problem(spec.description)
          : { description: spec.description };
    }
    if (r.request?.body || r.request?.query || r.request?.params || r.request?.headers)
      responses['400'] ??= problem('The request is malformed or a field is invalid (errors lists each field)');
    if (r.request?.body) {
      responses['413'] ??= problem('Body larger than the limit');
      responses['415'] ??= problem('Content-Type is not application/json');
    }
    if (r.access !== 'public') {
      responses['401'] ??= problem('Missing, unknown or revoked API key');
      responses['403'] ??= problem(`The key's role is not one of: ${r.access.join(', ')}`);
    }
    if (r.rateLimited !== false && r.access !== 'public')
      responses['429'] ??= problem('Rate limit exceeded; see Retry-After');
    responses['500'] ??= problem('Unexpected error; quote requestId');
    // Key checks, workflow queries and updates need Temporal and a worker (src/temporal/bounded.ts); webhooks resolve boletos there.
    if (r.access !== 'public' || r.tags.includes('webhooks'))
      responses['503'] ??= problem(
        'Temporarily unavailable (no worker answered in time, or the records store is down); see Retry-After',
      );

    registry.registerPath({
      method: r.method,
      path: openApiPath(r.path),
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: r.tags,
      ...(r.access === 'public'
        ? { security: [] }
        : {
            security: [{ bearerApiKey: [] }, { headerApiKey: [] }, ...(r.browserSession ? [{ codecSession: [] }] : [])],
          }),
      request: {
        ...(r.request?.params ? { params: r.request.params } : {}),
        ...(r.request?.query ? { query: r.request.query } : {}),
        ...(r.request?.headers ? { headers: r.request.headers } : {}),
        ...(r.request?.body
          ? { body: { required: true, content: { 'application/json': { schema: r.request.body } } } }
          : {}),
      },
      responses: responses as never,
    });
  }

  const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'boletoflow API',
      version: VERSION,
      description:
        'Issue and track boletos through your own bank accounts. Errors are RFC 9457 problem+json; every response ' +
        'carries X-Request-Id; authenticated routes are rate limited per API key (RateLimit-* headers).',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
  });
  return doc as unknown as Record<string, unknown>;
}

export const docsPage = (specUrl: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>boletoflow API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js" data-spec="${specUrl}"></script>
</body></html>`;

export const docsInit = `const spec = document.currentScript.dataset.spec;
window.ui = SwaggerUIBundle({ url: spec, dom_id: '#ui', deepLinking: true });`;
