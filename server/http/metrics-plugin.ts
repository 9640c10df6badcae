import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { identify } from '../provisioning/identify.ts';
import type { Catalog } from '../provisioning/types.ts';
import type { ServerMetrics } from '../metrics/server-metrics.ts';
import type { AppPlugin } from './app.ts';
import { phoneResultOf } from './phone-routes.ts';

/**
 * `GET /metrics` in the Prometheus text format, for any API token of role installer or above
 * (Prometheus sends it as `authorization: Bearer …`; docs/DEPLOY.md "Metrics"). It also observes
 * finished phone-file and agent-report responses, so it is registered without encapsulation and
 * before the phone routes.
 */

const PHONE_ROUTE = '/:name';
const AGENT_REPORTS_ROUTE = '/api/v1/agent/reports';

/** The vendor a phone asked for, by the same identification the pipeline uses; `unknown` if none. */
export function vendorOf(catalog: Catalog, request: FastifyRequest): string {
  const params = request.params as { name?: unknown } | undefined;
  const name = typeof params?.name === 'string' ? params.name : '';
  const userAgent = request.headers['user-agent'];
  return identify(catalog, { path: name, userAgent })?.vendor ?? 'unknown';
}

/** The plugin to pass to `buildApp({ extraPlugins })`, ahead of the phone front end. */
export function metricsPlugin(metrics: ServerMetrics): AppPlugin {
  const plugin: AppPlugin = async (app, { catalog }) => {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === PHONE_ROUTE && (request.method === 'GET' || request.method === 'HEAD')) {
      const transport = request.protocol === 'https' ? 'https' : 'http';
      // The pipeline already identified most requests; only those it refused earlier are identified here.
      const vendor = phoneResultOf(request)?.vendor ?? vendorOf(catalog, request);
      metrics.observePhone(vendor, transport, reply.statusCode, reply.elapsedTime / 1000);
    } else if (route === AGENT_REPORTS_ROUTE && request.method === 'POST') {
      metrics.observeAgentReport(reply.statusCode);
    }
  });

  app.get('/metrics', { config: { auth: 'admin', minRole: 'installer' }, schema: { hide: true } }, async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
  };
  return fp(plugin, { fastify: '5.x', name: 'deskprov-metrics' });
}
