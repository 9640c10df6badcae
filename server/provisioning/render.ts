import { appError } from '../errors.ts';
import type { Dialect, RenderInput, RenderedFile } from './types.ts';
import { dialect as aastra } from '../../templates/aastra/index.ts';
import { dialect as ciscoMpp } from '../../templates/cisco-mpp/index.ts';
import { dialect as ciscoSep } from '../../templates/cisco-sep/index.ts';
import { dialect as ciscoSpa } from '../../templates/cisco-spa/index.ts';
import { dialect as fanvil } from '../../templates/fanvil/index.ts';
import { dialect as grandstream } from '../../templates/grandstream/index.ts';
import { dialect as obihai } from '../../templates/obihai/index.ts';
import { dialect as poly } from '../../templates/poly/index.ts';
import { dialect as snom } from '../../templates/snom/index.ts';
import { dialect as yealink } from '../../templates/yealink/index.ts';

/** Every dialect deskprov can render, by id (the `dialect` of a catalogue model). */
export const dialects: ReadonlyMap<string, Dialect> = new Map(
  [yealink, poly, ciscoMpp, ciscoSpa, ciscoSep, grandstream, snom, fanvil, aastra, obihai].map((d) => [d.id, d]),
);

/**
 * Renders one file of one model: dispatches on `input.model.dialect`. Pure and deterministic.
 * Throws UNKNOWN_MODEL for a dialect that is not registered, NOT_FOUND for a template the dialect
 * lacks, RULE_VIOLATION when a setting cannot be written safely (control characters, bad names).
 */
export function renderFile(input: RenderInput): RenderedFile {
  const dialect = dialects.get(input.model.dialect);
  if (dialect === undefined) {
    throw appError('UNKNOWN_MODEL', `No dialect "${input.model.dialect}" for model ${input.model.id}`, {
      field: 'dialect',
    });
  }
  return dialect.render(input);
}
