import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { parseSwitchCsv } from '../../domain/switch-csv.ts';
import { pageFrom } from '../../services/context.ts';
import { errors, IdParams, ListOf, PageQuery } from '../schemas/common.ts';
import { MacParams } from '../schemas/devices.ts';
import { DeviceEvidenceView, PollOutcomeView, SwitchAlertView, SwitchCreate, SwitchPatch, SwitchView } from '../schemas/switches.ts';
import { actorOf, type RouteOptions } from './actor.ts';

const tags = ['switches'];
const SiteQuery = Type.Object({ ...PageQuery, siteId: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });

/** `/switches`: the SNMP switch inventory, on-demand polls, their alerts, and a device's location evidence. */
export const switchRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services }) => {
  const { switches } = services;

  app.post(
    '/switches',
    { schema: { tags, body: SwitchCreate, response: { 201: SwitchView, ...errors(400, 401, 403, 409, 422) } } },
    async (request, reply) => reply.code(201).send(switches.create(actorOf(request), request.body)),
  );

  app.post(
    '/switches/import',
    {
      bodyLimit: 1024 * 1024,
      schema: {
        tags,
        body: Type.Object({ csv: Type.String({ maxLength: 1024 * 1024 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ imported: Type.Integer() }), ...errors(400, 401, 403, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(switches.importSwitches(actorOf(request), parseSwitchCsv(request.body.csv))),
  );

  app.get(
    '/switches',
    { config: { minRole: 'installer' }, schema: { tags, querystring: SiteQuery, response: { 200: ListOf(SwitchView), ...errors(400, 401, 403) } } },
    async (request) => {
      const { siteId } = request.query;
      return switches.list(siteId === undefined ? {} : { siteId }, pageFrom(request.query));
    },
  );

  app.get(
    '/switches/:id',
    { config: { minRole: 'installer' }, schema: { tags, params: IdParams, response: { 200: SwitchView, ...errors(401, 403, 404) } } },
    async (request) => switches.get(request.params.id),
  );

  app.patch(
    '/switches/:id',
    { schema: { tags, params: IdParams, body: SwitchPatch, response: { 200: SwitchView, ...errors(400, 401, 403, 404, 409, 422) } } },
    async (request) => switches.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/switches/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errors(401, 403, 404) } } },
    async (request, reply) => {
      switches.remove(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/switches/:id/poll',
    { config: { minRole: 'installer' }, schema: { tags, params: IdParams, response: { 200: PollOutcomeView, ...errors(401, 403, 404, 429) } } },
    async (request) => switches.poll(actorOf(request), request.params.id),
  );

  app.get(
    '/switch-alerts',
    {
      config: { minRole: 'installer' },
      schema: { tags, querystring: Type.Object({ siteId: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }), response: { 200: Type.Object({ items: Type.Array(SwitchAlertView) }), ...errors(401, 403) } },
    },
    async (request) => {
      const { siteId } = request.query;
      return { items: switches.alerts(siteId === undefined ? {} : { siteId }) };
    },
  );

  app.get(
    '/devices/:mac/location-evidence',
    { config: { minRole: 'installer' }, schema: { tags, params: MacParams, response: { 200: DeviceEvidenceView, ...errors(400, 401, 403, 404) } } },
    async (request) => switches.deviceEvidence(request.params.mac),
  );
};
