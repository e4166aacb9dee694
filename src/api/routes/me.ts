/** GET /v1/me: which tenant and role an API key acts as (integrators use it to check their set-up). */
import { z } from 'zod';
import { ROLES } from '../../contracts/access';
import { type ApiRoute, defineRoute } from '../route';

const Me = z.object({ keyId: z.string(), tenantId: z.string(), role: z.enum(ROLES) }).meta({ id: 'Me' });

export const meRoutes = (): ApiRoute[] => [
  defineRoute({
    method: 'get',
    path: '/v1/me',
    operationId: 'getMe',
    summary: 'The tenant and role of the calling API key',
    tags: ['access'],
    access: ['integrator', 'cs', 'operator'],
    responses: { 200: { description: 'The key', schema: Me } },
    handler: ({ principal, res }) => {
      res.json(principal);
    },
  }),
];
