import { el, group, writeXml } from '../../server/provisioning/writers/xml-tree.ts';
import { defineDialect, xmlFile } from '../../server/provisioning/dialect-kit.ts';
import type { RenderInput, RenderedFile } from '../../server/provisioning/types.ts';
import { flatProfileTemplates } from './flat-profile.ts';

/**
 * Cisco MPP / 3PCC (68xx/78xx/88xx): flat-profile with `ua="na"` (VENDORS.md §3). MPP has no
 * action URLs; state reaches us through its resync requests (VENDORS.md §3 "Events").
 */

/** `directory`: Cisco IP Phone XML directory object. */
function directory(input: RenderInput): RenderedFile {
  const entries = (input.directory ?? []).map((e) =>
    group('DirectoryEntry', [el('Name', e.name), el('Telephone', e.extension)]),
  );
  return xmlFile(
    writeXml(group('CiscoIPPhoneDirectory', [el('Title', 'Directory'), el('Prompt', 'Select an entry'), ...entries])),
  );
}

export const dialect = defineDialect('cisco-mpp', { ...flatProfileTemplates(true), directory });
