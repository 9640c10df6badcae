import type { Principal } from '../domain/roles.ts';
import { appError } from '../errors.ts';
import { profileChainFrom } from '../provisioning/blast-radius-core.ts';
import { hasMacPlaceholder, renderFileName } from '../provisioning/file-pattern.ts';
import { renderFile } from '../provisioning/render.ts';
import { resolveSettings } from '../provisioning/resolve-settings.ts';
import type { ModelFile, ModelProfile, ProfileSettings } from '../provisioning/types.ts';
import { MASK, maskSecrets } from '../provisioning/withhold-secrets.ts';
import { checkSiteScope, type ServiceContext, unknownReference } from './context.ts';
import { createPhoneReads } from './phone-reads.ts';
import type { ProfileService } from './profile-service.ts';

/**
 * Profile preview before saving (for the web console's profile editor): the files a sample
 * phone of one model at one site would get if the profile had these settings, secrets masked.
 * Nothing is stored; the same checks as a save run first, so the editor shows the same errors.
 */

export interface ProfilePreviewInput {
  settings: ProfileSettings;
  /** The parent the profile would have: its chain applies first, as for a saved profile. */
  parentId?: string | null;
  /** Catalogue id, `<vendor>/<model>`. */
  model: string;
  siteId: string;
  /** Only this file: the name the phone asks for (with the sample MAC) or the catalogue pattern. */
  file?: string;
}

export interface PreviewedFile {
  name: string;
  kind: ModelFile['kind'];
  /** True for a file rendered for this phone; false for a shared file (site values, no profile). */
  perDevice: boolean;
  contentType: string;
  body: string;
}

export interface ProfilePreview {
  model: string;
  /** The sample phone's MAC: the model's first OUI followed by `000001`. */
  mac: string;
  files: PreviewedFile[];
}

/** The sample phone's line: a standalone extension at the start of the site's range, secret masked. */
const SAMPLE_DISPLAY_NAME = 'Sample phone';

export function createProfilePreview(ctx: ServiceContext, profiles: ProfileService) {
  const { store, catalog } = ctx;
  const reads = createPhoneReads(store);

  function modelOf(id: string): ModelProfile {
    const model = catalog.get(id);
    if (model === undefined) {
      throw appError('UNKNOWN_MODEL', `model ${id} is not in the catalogue`, {
        field: 'model',
        details: { closeMatches: catalog.closeMatches(id) },
      });
    }
    return model;
  }

  return {
    /** Renders every file (or `input.file`) of a sample phone; throws what a save would. */
    preview(actor: Principal, input: ProfilePreviewInput, publicUrl: string): ProfilePreview {
      profiles.checkSettings(input.settings);
      const model = modelOf(input.model);
      const site = store.sites.get(input.siteId) ?? unknownReference('siteId', 'site', input.siteId);
      checkSiteScope(actor, site.id);
      const parentId = input.parentId ?? null;
      if (parentId !== null && store.profiles.get(parentId) === undefined) unknownReference('parentId', 'profile', parentId);
      const mac = `${model.oui[0] ?? '000000'}000001`;
      const files = model.files.filter((f) => {
        if (input.file === undefined) return true;
        return f.name === input.file || renderFileName(f.name, model.modelToken, mac) === input.file;
      });
      if (files.length === 0) {
        throw appError('NOT_FOUND', `model ${model.id} has no file ${input.file ?? ''}`, { field: 'file' });
      }
      const first = site.extensionRange.first;
      const device = maskSecrets(
        resolveSettings({
          model,
          mac,
          site,
          profileChain: [...profileChainFrom(parentId, (id) => store.profiles.get(id)), input.settings],
          lines: { kind: 'standalone', extension: { number: first, authUser: String(first), secret: MASK, displayName: SAMPLE_DISPLAY_NAME } },
          publicUrl,
          credentials: { username: mac, password: MASK },
        }),
      );
      // Shared files are served with the site's values and no profile, exactly as the pipeline does.
      const shared = resolveSettings({ model, site, profileChain: [], lines: { kind: 'none' }, publicUrl });
      const referenceYear = ctx.now().getUTCFullYear();
      return {
        model: model.id,
        mac,
        files: files.map((file) => {
          const perDevice = file.kind === 'device' || hasMacPlaceholder(file.name);
          const rendered = renderFile({
            model,
            file,
            settings: perDevice ? device : shared,
            referenceYear,
            ...(perDevice ? { mac } : {}),
            ...(file.kind === 'directory' ? { directory: reads.directoryOf(site.id) } : {}),
          });
          return {
            name: renderFileName(file.name, model.modelToken, perDevice ? mac : undefined),
            kind: file.kind,
            perDevice,
            contentType: rendered.contentType,
            body: rendered.body.toString('utf8'),
          };
        }),
      };
    },
  };
}

export type ProfilePreviewService = ReturnType<typeof createProfilePreview>;
