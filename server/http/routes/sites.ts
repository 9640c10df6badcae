import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { pageFrom } from '../../services/context.ts';
import { errors, IdParams, ListOf, PageQuery } from '../schemas/common.ts';
import { SiteCreate, SitePatch, SiteView, siteView } from '../schemas/sites.ts';
import { DryRunQuery, withAffected } from '../schemas/blast-radius.ts';
import { actorOf, type RouteOptions } from './actor.ts';

const tags = ['sites'];

/** `/sites`: create, list, read, edit, delete (a site in use is 409). */
export const siteRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services }) => {
  app.post(
    '/sites',
    { schema: { tags, body: SiteCreate, response: { 201: SiteView, ...errors(400, 401, 403, 409, 422) } } },
    async (request, reply) => reply.code(201).send(siteView(services.sites.create(actorOf(request), request.body))),
  );

  app.get(
    '/sites',
    {
      config: { minRole: 'installer' },
      schema: {
        tags,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: ListOf(SiteView), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const list = services.sites.list(pageFrom(request.query));
      return { ...list, items: list.items.map(siteView) };
    },
  );

  app.get(
    '/sites/:id',
    {
      config: { minRole: 'installer' },
      schema: { tags, params: IdParams, response: { 200: SiteView, ...errors(401, 403, 404) } },
    },
    async (request) => siteView(services.sites.get(request.params.id)),
  );

  /**
   * Answers with what the edit changes for phones (`affected`, P2 item 10); `?dryRun=true` runs
   * every check a save runs and reports it, saving and auditing nothing. A saved edit moves the
   * config revision of each device whose bytes change and pushes check-sync to them where the
   * site allows it (docs/DISCOVERY.md "check-sync").
   */
  app.patch(
    '/sites/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: DryRunQuery,
        body: SitePatch,
        response: { 200: withAffected(SiteView), ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      if (request.query.dryRun === true) {
        const { before, after } = services.sites.plan(actor, request.params.id, request.body);
        const affected = await services.blastRadius.ofSiteEdit(before, after);
        return { ...siteView(after), affected, dryRun: true as const };
      }
      const { site, affected, changed } = await services.sites.update(actor, request.params.id, request.body);
      // Phones whose bytes changed fetch now (check-sync); the answer does not wait for them.
      services.checkSyncPush.push(changed);
      return { ...siteView(site), affected };
    },
  );

  app.delete(
    '/sites/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errors(401, 403, 404, 409) } } },
    async (request, reply) => {
      services.sites.remove(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
