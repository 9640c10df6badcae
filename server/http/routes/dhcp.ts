import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { dhcpSnippet, dhcpVendorFacts } from '../../discovery/dhcp-snippets.ts';
import { errors } from '../schemas/common.ts';
import type { RouteOptions } from './actor.ts';

const DhcpQuery = Type.Object(
  {
    format: Type.Union([Type.Literal('isc'), Type.Literal('kea'), Type.Literal('dnsmasq')]),
    siteId: Type.Optional(Type.String({ minLength: 1, description: 'checked to exist; the fragment is the same for every site' })),
  },
  { additionalProperties: false },
);

/**
 * `/dhcp?format=isc|kea|dnsmasq`: a DHCP server fragment that points the catalogue's phones at
 * this server (docs/DISCOVERY.md), as text/plain to paste into the DHCP server's config. The TFTP
 * host (options 66 for TFTP-only phones and 150) is the public URL's host.
 */
export const dhcpRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services, publicUrl }) => {
  app.get(
    '/dhcp',
    {
      schema: {
        tags: ['discovery'],
        querystring: DhcpQuery,
        produces: ['text/plain'],
        response: { 200: Type.String(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      if (request.query.siteId !== undefined) services.sites.get(request.query.siteId);
      const base = publicUrl?.() ?? `${request.protocol}://${request.host}/`;
      const text = dhcpSnippet({
        format: request.query.format,
        publicUrl: base,
        tftpHost: new URL(base).hostname,
        vendors: dhcpVendorFacts(services.models.list()),
      });
      return reply.type('text/plain; charset=utf-8').send(text);
    },
  );
};
