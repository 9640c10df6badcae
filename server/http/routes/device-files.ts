import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import type { DeviceFilePreview } from '../../services/device-file-preview.ts';
import type { PhoneCredentialAdmin } from '../../services/phone-credentials.ts';
import { errors } from '../schemas/common.ts';
import { MacParams } from '../schemas/devices.ts';
import { PHONE_FILE_NAME } from '../phone-routes.ts';
import { actorOf } from './actor.ts';

/**
 * Admin view of the files a phone fetches (P2 item 7) and its phone credentials:
 * - `GET /devices/{mac}/files`: names, kinds, sizes, ETags, last served and whether it changed;
 * - `GET /devices/{mac}/files/{name}`: the file as rendered now, secrets masked;
 *   `?reveal=true` (super-admin, audited) the real bytes; `?diff=served` the change since served;
 * - `POST /devices/{mac}/phone-credentials`: new HTTP credentials, claim window reopened (audited).
 */

export interface DeviceFileRouteOptions {
  preview: DeviceFilePreview;
  credentials: PhoneCredentialAdmin;
}

const tags = ['devices'];

const FileSummary = Type.Object({
  name: Type.String(),
  kind: Type.String(),
  secrets: Type.Boolean(),
  perDevice: Type.Boolean(),
  contentType: Type.String(),
  size: Type.Integer(),
  etag: Type.String(),
  served: Type.Union([Type.Object({ at: Type.String(), etag: Type.String(), transport: Type.String() }), Type.Null()]),
  changedSinceServed: Type.Union([Type.Boolean(), Type.Null()]),
});

const Claim = Type.Object({
  username: Type.String(),
  handedOutAt: Type.Union([Type.String(), Type.Null()], { description: 'when the phone first got its credentials; null: not yet claimed' }),
  claimOpenUntil: Type.String({ description: 'until then an unclaimed phone may fetch without credentials' }),
});

const FileList = Type.Object({ mac: Type.String(), model: Type.String(), claim: Claim, files: Type.Array(FileSummary) });

const FileParams = Type.Object({ mac: MacParams.properties.mac, name: Type.String({ pattern: PHONE_FILE_NAME }) });
const FileQuery = Type.Object({
  reveal: Type.Optional(Type.Boolean()),
  diff: Type.Optional(Type.Literal('served')),
});

const Diff = Type.Object({
  name: Type.String(),
  served: Type.Union([Type.Object({ at: Type.String(), etag: Type.String() }), Type.Null()]),
  changed: Type.Boolean(),
  diff: Type.String({ description: 'one line per line: "-" served only, "+" new only, " " both' }),
});

const CredentialsView = Type.Object({
  username: Type.String(),
  claimOpenUntil: Type.String({ description: 'until then the phone may fetch once without credentials' }),
});

export const deviceFileRoutes: FastifyPluginAsyncTypebox<DeviceFileRouteOptions> = async (app, { preview, credentials }) => {
  app.get(
    '/devices/:mac/files',
    { schema: { tags, params: MacParams, response: { 200: FileList, ...errors(400, 401, 403, 404) } } },
    async (request) => preview.list(request.params.mac),
  );

  app.get(
    '/devices/:mac/files/:name',
    {
      schema: {
        tags,
        params: FileParams,
        querystring: FileQuery,
        description:
          'The file in its vendor content type, or with ?diff=served a JSON object {name, served, changed, diff}. Errors: 400, 401, 403 (reveal needs super-admin), 404.',
      },
    },
    async (request, reply) => {
      const { mac, name } = request.params;
      if (request.query.diff === 'served') {
        const diff: Static<typeof Diff> = preview.diffServed(mac, name);
        return reply.type('application/json; charset=utf-8').send(diff);
      }
      const file = preview.file(actorOf(request), mac, name, request.query.reveal === true);
      return reply.type(file.contentType).header('cache-control', 'no-store').send(file.body);
    },
  );

  app.post(
    '/devices/:mac/phone-credentials',
    { schema: { tags, params: MacParams, response: { 200: CredentialsView, ...errors(400, 401, 403, 404) } } },
    async (request) => credentials.rotate(actorOf(request), request.params.mac),
  );
};
