import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import type { AgentReport } from '../../domain/e911-evidence.ts';
import { parseNetworkMapCsv } from '../../domain/network-map-csv.ts';
import { tryParseMac } from '../../domain/mac-address.ts';
import { phoneEventKind, phoneEventPatch, polyEvent } from '../../domain/phone-events.ts';
import { PIDF_CONTENT_TYPE } from '../../domain/pidf-lo.ts';
import { appError } from '../../errors.ts';
import { flatLineLogger } from '../../logger.ts';
import { lazyChildLogger } from '../lazy-child-logger.ts';
import { responseTimeOf } from '../own-request-line.ts';
import { pageFrom } from '../../services/context.ts';
import { errors, IdParams, ListOf } from '../schemas/common.ts';
import { MacParams } from '../schemas/devices.ts';
import {
  AgentReportBody,
  FleetStatusView,
  AlertsQuery,
  AlertsView,
  AssignLocation,
  DeviceStatusView,
  LocationCreate,
  LocationPatch,
  LocationQuery,
  LocationView,
  locationView,
  NetworkMapCreate,
  NetworkMapImport,
  NetworkMapQuery,
  NetworkMapView,
  PhoneEventKeyParams,
  PhoneEventParams,
  PhoneEventQuery,
  ReportAccepted,
} from '../schemas/e911.ts';
import { actorOf, type RouteOptions } from './actor.ts';

const tags = ['e911'];
const Pidf = Type.String({ description: 'application/pidf+xml (RFC 4119, RFC 5139, RFC 5491)' });
// An agent report is a few hundred bytes; 64 KiB leaves room and keeps hostile bodies small.
const REPORT_BODY_LIMIT = 64 * 1024;
// A comment line this often keeps proxies and NAT from dropping an idle status stream.
const STREAM_KEEPALIVE_MS = 15_000;
// A Poly event document is well under 1 KiB (VENDORS.md §2 "Events").
const EVENT_BODY_LIMIT = 16 * 1024;

type PhoneEventQueryValue = Static<typeof PhoneEventQuery>;

/** E911 locations, network map, agent reports, device status and alerts (issue P5). */
export const e911Routes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services }) => {
  const e911 = services.e911;
  // Poly event documents arrive as XML; kept as text and read by domain/phone-events.ts.
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: EVENT_BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/locations',
    { schema: { tags, body: LocationCreate, response: { 201: LocationView, ...errors(400, 401, 403, 409, 422) } } },
    async (request, reply) => reply.code(201).send(locationView(e911.createLocation(actorOf(request), request.body))),
  );

  app.get(
    '/locations',
    {
      config: { minRole: 'installer' },
      schema: { tags, querystring: LocationQuery, response: { 200: ListOf(LocationView), ...errors(400, 401, 403) } },
    },
    async (request) => {
      const { siteId } = request.query;
      const list = e911.listLocations(siteId === undefined ? {} : { siteId }, pageFrom(request.query));
      return { ...list, items: list.items.map(locationView) };
    },
  );

  app.get(
    '/locations/:id',
    { config: { minRole: 'installer' }, schema: { tags, params: IdParams, response: { 200: LocationView, ...errors(401, 403, 404) } } },
    async (request) => locationView(e911.getLocation(request.params.id)),
  );

  app.patch(
    '/locations/:id',
    { schema: { tags, params: IdParams, body: LocationPatch, response: { 200: LocationView, ...errors(400, 401, 403, 404, 409, 422) } } },
    async (request) => locationView(e911.updateLocation(actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/locations/:id/pidf',
    { config: { minRole: 'installer' }, schema: { tags, params: IdParams, response: { 200: Pidf, ...errors(401, 403, 404) } } },
    async (request, reply) => reply.type(PIDF_CONTENT_TYPE).send(e911.locationPidf(request.params.id)),
  );

  app.post(
    '/network-map',
    { schema: { tags, body: NetworkMapCreate, response: { 201: NetworkMapView, ...errors(400, 401, 403, 409, 422) } } },
    async (request, reply) => reply.code(201).send(e911.addMapEntry(actorOf(request), request.body)),
  );

  app.post(
    '/network-map/import',
    {
      schema: {
        tags,
        body: NetworkMapImport,
        response: { 201: Type.Object({ imported: Type.Integer() }), ...errors(400, 401, 403, 413, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(e911.importMap(actorOf(request), parseNetworkMapCsv(request.body.csv))),
  );

  app.get(
    '/network-map',
    {
      config: { minRole: 'installer' },
      schema: { tags, querystring: NetworkMapQuery, response: { 200: ListOf(NetworkMapView), ...errors(400, 401, 403) } },
    },
    async (request) => {
      const { locationId } = request.query;
      return e911.listMap(locationId === undefined ? {} : { locationId }, pageFrom(request.query));
    },
  );

  app.delete(
    '/network-map/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errors(401, 403, 404) } } },
    async (request, reply) => {
      e911.removeMapEntry(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  // The report line holds strings and numbers only: the flat-line logger's censoring suffices.
  const reportLog = flatLineLogger(app.log);
  app.post(
    '/agent/reports',
    {
      // One line per report (a fleet heartbeats every minute), written with the status sent; the
      // request's own logger is made only when something else writes through it (an error).
      config: { auth: 'device', ownRequestLog: true },
      childLoggerFactory: lazyChildLogger,
      onResponse: async (request, reply) => {
        const line = { reqId: request.id, mac: request.device?.mac ?? null, status: reply.statusCode, responseTime: responseTimeOf(reply) };
        reportLog.info(line, 'agent report');
      },
      bodyLimit: REPORT_BODY_LIMIT,
      schema: { tags, body: AgentReportBody, response: { 202: ReportAccepted, ...errors(400, 401, 403, 413, 415) } },
    },
    async (request, reply) => {
      if (request.device === null) throw appError('UNAUTHORIZED', 'a device token is required');
      const report = request.body as AgentReport;
      const { duplicate } = await e911.submitReport(request.device, report);
      return reply.code(202).send({ id: report.id, duplicate });
    },
  );

  // Action URLs of phones without an agent (VENDORS.md "Events"). The key in the path is the
  // device's event key (provisioning/event-key.ts) that the rendered config carries, or its agent
  // token; phones cannot send headers here. Rendered configs use `/events/<key>?event=<name>`
  // (dialect-kit.ts `eventUrl`); `/events/<key>/<name>` stays for agents and hand-made URLs.
  // Every refusal is the same 403, so the endpoint tells no forged key from another device's.
  // logLevel warn keeps the key, which is in the URL, out of the request log.
  const takeEvent = (key: string, event: string | undefined, query: PhoneEventQueryValue, ip: string): void => {
    const device = services.eventAuth.verify(key);
    const { mac, event: _event, ...values } = query;
    if (device === null || (mac !== undefined && tryParseMac(mac) !== device.mac)) {
      throw appError('FORBIDDEN', 'the event key is not valid for this device');
    }
    const kind = event === undefined ? null : phoneEventKind(event, values);
    // Events deskprov does not use (off_hook, incoming_call, …) are taken and ignored.
    // Any authenticated event says where the phone is: its source address is request evidence (docs/LOCATION.md).
    services.switches.recordRequestSource(device.deviceId, ip);
    if (kind !== null) e911.acceptPhoneEvent(device, phoneEventPatch(kind, values));
  };
  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/events/:key/:event',
      config: { auth: 'none' },
      logLevel: 'warn',
      schema: { tags, params: PhoneEventParams, querystring: PhoneEventQuery, response: { 204: Type.Null(), ...errors(400, 403) } },
      handler: async (request, reply) => {
        takeEvent(request.params.key, request.params.event, request.query, request.ip);
        return reply.code(204).send(null);
      },
    });
    app.route({
      method,
      url: '/events/:key',
      config: { auth: 'none' },
      logLevel: 'warn',
      bodyLimit: EVENT_BODY_LIMIT,
      schema: { tags, params: PhoneEventKeyParams, querystring: PhoneEventQuery, response: { 204: Type.Null(), ...errors(400, 403, 413) } },
      handler: async (request, reply) => {
        const { query } = request;
        // Poly has no per-event URL: it POSTs an XML event document (VENDORS.md §2 "Events").
        const poly = query.vendor === 'poly' && typeof request.body === 'string' ? polyEvent(request.body) : null;
        const mac = query.mac ?? poly?.mac;
        takeEvent(request.params.key, query.event ?? poly?.event, { ...query, ...(mac === undefined ? {} : { mac }) }, request.ip);
        return reply.code(204).send(null);
      },
    });
  }

  app.get(
    '/devices/:mac/status',
    { config: { minRole: 'installer' }, schema: { tags, params: MacParams, response: { 200: DeviceStatusView, ...errors(400, 401, 403, 404) } } },
    async (request) => ({
      ...e911.deviceStatus(request.params.mac),
      checkSync: services.checkSyncPush.statusOf(services.devices.get(request.params.mac).id),
    }),
  );

  app.get(
    '/devices/:mac/pidf',
    { config: { minRole: 'installer' }, schema: { tags, params: MacParams, response: { 200: Pidf, ...errors(400, 401, 403, 404) } } },
    async (request, reply) => reply.type(PIDF_CONTENT_TYPE).send(e911.devicePidf(request.params.mac)),
  );

  app.put(
    '/devices/:mac/location',
    { schema: { tags, params: MacParams, body: AssignLocation, response: { 200: DeviceStatusView, ...errors(400, 401, 403, 404, 422) } } },
    async (request) => e911.assignLocation(actorOf(request), request.params.mac, request.body.locationId),
  );

  app.get(
    '/status',
    { config: { minRole: 'installer' }, schema: { tags, response: { 200: FleetStatusView, ...errors(401, 403) } } },
    async () => e911.fleetStatus(),
  );

  // Open status streams are ended before the server stops listening: an open stream would hold
  // close() forever (fastify closes idle connections only).
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of streams) end();
  });

  app.get(
    '/status/stream',
    {
      config: { minRole: 'installer' },
      schema: {
        tags,
        description:
          'Server-Sent Events: `event: device` with the device status JSON after each change; `event: switch` with `{source, switchId, name, siteId, since, alerts}` when a poll raises, changes or clears a switch alert (`alerts: []`)',
      },
    },
    async (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      // WHATWG HTML §9.2: a comment line opens the stream at once so the client sees it connected.
      res.write(': deskprov status stream\n\n');
      const unsubscribeDevices = e911.onStatusChange((status) => {
        res.write(`event: device\ndata: ${JSON.stringify(status)}\n\n`);
      });
      // A switch poll that raises, changes or clears the switch's alert (docs/LOCATION.md).
      const unsubscribeSwitches = services.switches.onAlertChange((change) => {
        res.write(`event: switch\ndata: ${JSON.stringify({ source: 'switch', ...change })}\n\n`);
      });
      const unsubscribe = () => {
        unsubscribeDevices();
        unsubscribeSwitches();
      };
      const keepalive = setInterval(() => res.write(': keep-alive\n\n'), STREAM_KEEPALIVE_MS);
      keepalive.unref();
      const end = () => {
        clearInterval(keepalive);
        unsubscribe();
        streams.delete(end);
        if (!res.writableEnded) res.end();
      };
      streams.add(end);
      request.raw.once('close', end);
    },
  );

  app.get(
    '/alerts',
    { config: { minRole: 'installer' }, schema: { tags, querystring: AlertsQuery, response: { 200: AlertsView, ...errors(400, 401, 403) } } },
    async (request) => {
      const { siteId } = request.query;
      return { items: e911.alerts(siteId === undefined ? {} : { siteId }) };
    },
  );
};
