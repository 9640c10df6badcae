import { Type } from '@sinclair/typebox';
import type { ModelProfile } from '../../provisioning/types.ts';

export const ModelView = Type.Object({
  id: Type.String(),
  vendor: Type.String(),
  name: Type.String(),
  family: Type.String(),
  lines: Type.Integer(),
  keys: Type.Integer(),
  firmware: Type.Optional(Type.Object({ file: Type.String(), version: Type.String() })),
});

export const ModelList = Type.Object({ items: Type.Array(ModelView), total: Type.Integer() });

export function modelView(m: ModelProfile) {
  return {
    id: m.id,
    vendor: m.vendor,
    name: m.name,
    family: m.family,
    lines: m.lines,
    keys: m.keys,
    ...(m.firmware ? { firmware: { file: m.firmware.file, version: m.firmware.version } } : {}),
  };
}
