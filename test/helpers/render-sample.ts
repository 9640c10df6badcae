import { renderFile } from '../../server/provisioning/render.ts';
import type { CanonicalSettings, ModelFile, ModelProfile, RenderInput, RenderedFile } from '../../server/provisioning/types.ts';
import { SAMPLE_DIRECTORY, SAMPLE_MAC } from './sample-models.ts';

/** True when a file is per-device (its name or kind carries the MAC). */
export function needsMac(file: ModelFile): boolean {
  return file.kind === 'device' || /\{mac\}/i.test(file.name);
}

/** The RenderInput the pipeline would build for one file of a sample model. */
export function sampleInput(
  model: ModelProfile,
  file: ModelFile,
  settings: CanonicalSettings,
  directory = SAMPLE_DIRECTORY,
): RenderInput {
  return {
    model,
    file,
    settings,
    referenceYear: 2026,
    ...(needsMac(file) ? { mac: SAMPLE_MAC } : {}),
    ...(file.kind === 'directory' ? { directory } : {}),
  };
}

export function renderSample(
  model: ModelProfile,
  file: ModelFile,
  settings: CanonicalSettings,
  directory = SAMPLE_DIRECTORY,
): RenderedFile {
  return renderFile(sampleInput(model, file, settings, directory));
}
