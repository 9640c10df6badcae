import { Type, type TObject } from '@sinclair/typebox';

/** What a profile or site edit changes for phones (P2 item 10), in edit answers and dry runs. */
export const Affected = Type.Object(
  {
    total: Type.Integer({ minimum: 0, description: 'devices that get new bytes in at least one file' }),
    byModel: Type.Record(Type.String(), Type.Integer({ minimum: 1 }), { description: 'those devices per catalogue model id, e.g. "yealink/t54w"' }),
    unrenderable: Type.Integer({ minimum: 0, description: 'devices whose files the new values cannot render (the phone would get an error)' }),
  },
  { description: 'devices whose rendered files differ between the stored and the edited values' },
);

export const DryRunQuery = Type.Object(
  {
    dryRun: Type.Optional(
      Type.Boolean({ description: 'true: check the change and report what it affects, saving and auditing nothing' }),
    ),
  },
  { additionalProperties: false },
);

/** An edit's answer: the resource as saved (or as it would be, on a dry run) plus what it affects. */
export function withAffected<T extends TObject>(view: T) {
  return Type.Composite([
    view,
    Type.Object({
      affected: Affected,
      dryRun: Type.Optional(Type.Literal(true, { description: 'present on a dry run: nothing was saved' })),
    }),
  ]);
}
