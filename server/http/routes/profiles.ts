import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Device } from '../../domain/device.ts';
import { ifMatchRevision } from '../../domain/profile.ts';
import { pageFrom } from '../../services/context.ts';
import { errors, IdParams, ListOf, PageQuery } from '../schemas/common.ts';
import {
  etagOf,
  IfMatchHeaders,
  ProfileCreate,
  ProfilePatch,
  ProfilePreviewRequest,
  ProfilePreviewView,
  ProfileView,
  profileView,
} from '../schemas/profiles.ts';
import { DryRunQuery, withAffected } from '../schemas/blast-radius.ts';
import type { Principal } from '../../domain/roles.ts';
import type { ProfilePatch as ProfilePatchBody } from '../../services/profile-service.ts';
import { actorOf, type RouteOptions } from './actor.ts';

const tags = ['profiles'];
const writeErrors = errors(400, 401, 403, 404, 409, 412, 422, 428);
const EditView = withAffected(ProfileView);

/**
 * Profiles use optimistic concurrency (RFC 9110 §13.1.1): every answer carries `ETag: "<revision>"`
 * and every change must send it back in `If-Match`; a stale one is 412, a missing one 428.
 */
export const profileRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services, publicUrl }) => {
  app.post(
    '/profiles',
    { schema: { tags, body: ProfileCreate, response: { 201: ProfileView, ...errors(400, 401, 403, 409, 422) } } },
    async (request, reply) => {
      const profile = services.profiles.create(actorOf(request), request.body);
      return reply.code(201).header('etag', etagOf(profile)).send(profileView(profile));
    },
  );

  /** Preview before saving: what a sample phone of a model at a site would get, secrets masked. */
  app.post(
    '/profiles/preview',
    { schema: { tags, body: ProfilePreviewRequest, response: { 200: ProfilePreviewView, ...errors(400, 401, 403, 404, 422) } } },
    async (request) =>
      services.profilePreview.preview(actorOf(request), request.body, publicUrl?.() ?? `${request.protocol}://${request.host}/`),
  );

  app.get(
    '/profiles',
    {
      config: { minRole: 'installer' },
      schema: {
        tags,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: ListOf(ProfileView), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const list = services.profiles.list(pageFrom(request.query));
      return { ...list, items: list.items.map(profileView) };
    },
  );

  app.get(
    '/profiles/:id',
    { config: { minRole: 'installer' }, schema: { tags, params: IdParams, response: { 200: ProfileView, ...errors(401, 403, 404) } } },
    async (request, reply) => {
      const profile = services.profiles.get(request.params.id);
      return reply.header('etag', etagOf(profile)).send(profileView(profile));
    },
  );

  /**
   * PATCH and PUT answer with what the edit changes for phones (`affected`, P2 item 10); with
   * `?dryRun=true` they run every check a save runs and report it, saving and auditing nothing
   * (the ETag stays the stored revision's, ready for the real save).
   */
  async function edit(actor: Principal, id: string, ifMatch: string | undefined, body: ProfilePatchBody, replace: boolean, dryRun: boolean) {
    const expected = ifMatchRevision(ifMatch);
    const { before, after } = services.profiles.plan(id, expected, body, replace);
    // Counted before the save; the save re-checks the revision, so an edit in between is a 412.
    const changed: Device[] = [];
    const affected = await services.blastRadius.ofProfileEdit(before, after, changed);
    if (dryRun) return { etag: etagOf(before), view: { ...profileView(after), affected, dryRun: true as const } };
    const profile = services.profiles.update(actor, id, expected, body, replace);
    // Phones whose bytes changed fetch now (check-sync); the answer does not wait for them.
    services.checkSyncPush.push(changed);
    return { etag: etagOf(profile), view: { ...profileView(profile), affected } };
  }

  app.patch(
    '/profiles/:id',
    {
      schema: { tags, params: IdParams, querystring: DryRunQuery, headers: IfMatchHeaders, body: ProfilePatch, response: { 200: EditView, ...writeErrors } },
    },
    async (request, reply) => {
      const { etag, view } = await edit(actorOf(request), request.params.id, request.headers['if-match'], request.body, false, request.query.dryRun === true);
      return reply.header('etag', etag).send(view);
    },
  );

  app.put(
    '/profiles/:id',
    {
      schema: { tags, params: IdParams, querystring: DryRunQuery, headers: IfMatchHeaders, body: ProfileCreate, response: { 200: EditView, ...writeErrors } },
    },
    async (request, reply) => {
      const { etag, view } = await edit(actorOf(request), request.params.id, request.headers['if-match'], request.body, true, request.query.dryRun === true);
      return reply.header('etag', etag).send(view);
    },
  );

  app.delete(
    '/profiles/:id',
    { schema: { tags, params: IdParams, headers: IfMatchHeaders, response: { 204: Type.Null(), ...writeErrors } } },
    async (request, reply) => {
      services.profiles.remove(actorOf(request), request.params.id, ifMatchRevision(request.headers['if-match']));
      return reply.code(204).send(null);
    },
  );
};
