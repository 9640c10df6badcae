import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AgentReport } from '../../domain/e911-evidence.ts';
import { parseNetworkMapCsv } from '../../domain/network-map-csv.ts';
import { tryParseMac } from '../../domain/mac-address.ts';
import { phoneEventKind, phoneEventPatch } from '../../domain/phone-events.ts';
import { PIDF_CONTENT_TYPE } from '../../domain/pidf-lo.ts';
import { appError } from '../../errors.ts';
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

/** E911 locations, network map, agent reports, device status and alerts (issue P5). */
export const e911Routes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services }) => {
  const e911 = services.e911;

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

  app.post(
    '/agent/reports',
    {
      config: { auth: 'device' },
      bodyLimit: REPORT_BODY_LIMIT,
      schema: { tags, body: AgentReportBody, response: { 202: ReportAccepted, ...errors(400, 401, 403, 413, 415) } },
    },
    async (request, reply) => {
      if (request.device === null) throw appError('UNAUTHORIZED', 'a device token is required');
      const report = request.body as AgentReport;
      const { duplicate } = e911.acceptReport(request.device, report);
      return reply.code(202).send({ id: report.id, duplicate });
    },
  );

  // Action URLs of phones without an agent (VENDORS.md "Events"). The key in the path is the
  // device's agent token, which the rendered config carries; phones cannot send headers here.
  // logLevel warn keeps the key, which is in the URL, out of the request log.
  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/events/:key/:event',
      config: { auth: 'none' },
      logLevel: 'warn',
      schema: { tags, params: PhoneEventParams, querystring: PhoneEventQuery, response: { 204: Type.Null(), ...errors(400, 401, 403) } },
      handler: async (request, reply) => {
        const device = services.tokens.verifyDevice(request.params.key);
        if (device === null) throw appError('UNAUTHORIZED', 'the event key is unknown or revoked');
        const { mac, ...query } = request.query;
        if (mac !== undefined && tryParseMac(mac) !== device.mac) {
          throw appError('FORBIDDEN', 'an event key may only report for its own device', { field: 'mac' });
        }
        const kind = phoneEventKind(request.params.event);
        // Events deskprov does not use (off_hook, incoming_call, …) are taken and ignored.
        // Any authenticated event says where the phone is: its source address is request evidence (docs/LOCATION.md).
        services.switches.recordRequestSource(device.deviceId, request.ip);
        if (kind !== null) e911.acceptPhoneEvent(device, phoneEventPatch(kind, query));
        return reply.code(204).send(null);
      },
    });
  }

  app.get(
    '/devices/:mac/status',
    { config: { minRole: 'installer' }, schema: { tags, params: MacParams, response: { 200: DeviceStatusView, ...errors(400, 401, 403, 404) } } },
    async (request) => e911.deviceStatus(request.params.mac),
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
      schema: { tags, description: 'Server-Sent Events: `event: device` with the device status JSON after each change' },
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
      const unsubscribe = e911.onStatusChange((status) => {
        res.write(`event: device\ndata: ${JSON.stringify(status)}\n\n`);
      });
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
