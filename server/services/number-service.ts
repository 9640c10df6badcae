import { type PhoneNumber, parseE164, parseRegion } from '../domain/e164.ts';
import type { Principal } from '../domain/roles.ts';
import { checkText } from '../domain/text.ts';
import { appError } from '../errors.ts';
import type { Page } from '../store/repositories.ts';
import { audit, listing, notFound, type ServiceContext, unknownReference } from './context.ts';

export interface NumberInput {
  e164: string;
  region: string;
  callerIdName?: string;
  /** Extension incoming calls are routed to. */
  extension?: number;
}

export interface NumberPatch {
  region?: string;
  callerIdName?: string | null;
  extension?: number | null;
}

/** The E.164 numbers inventory. */
export function createNumberService(ctx: ServiceContext) {
  const { store } = ctx;

  function mustGet(e164: string): PhoneNumber {
    return store.numbers.get(e164) ?? notFound('number', e164);
  }

  function checkExtension(n: number | null | undefined): void {
    if (n != null && store.extensions.get(n) === undefined) unknownReference('extension', 'extension', n);
  }

  return {
    create(actor: Principal, input: NumberInput): PhoneNumber {
      const e164 = parseE164(input.e164);
      const region = parseRegion(input.region);
      const callerIdName = input.callerIdName === undefined ? null : checkText(input.callerIdName, 'callerIdName');
      return store.transaction(() => {
        if (store.numbers.get(e164) !== undefined) {
          throw appError('CONFLICT', `number ${e164} is already in the inventory`, { field: 'e164' });
        }
        checkExtension(input.extension);
        const at = ctx.now().toISOString();
        const n: PhoneNumber = {
          e164,
          region,
          callerIdName,
          extensionNumber: input.extension ?? null,
          createdAt: at,
          updatedAt: at,
        };
        store.numbers.insert(n);
        audit(ctx, actor, 'number.create', { type: 'number', id: e164 }, null, n);
        return n;
      });
    },

    get: (e164: string) => mustGet(e164),

    list: (page: Page) => listing(page, store.numbers.list(page)),

    update(actor: Principal, e164: string, patch: NumberPatch): PhoneNumber {
      const region = patch.region === undefined ? undefined : parseRegion(patch.region);
      const callerIdName =
        patch.callerIdName == null ? patch.callerIdName : checkText(patch.callerIdName, 'callerIdName');
      return store.transaction(() => {
        const before = mustGet(e164);
        checkExtension(patch.extension);
        const after: PhoneNumber = {
          ...before,
          ...(region === undefined ? {} : { region }),
          ...(callerIdName === undefined ? {} : { callerIdName }),
          ...(patch.extension === undefined ? {} : { extensionNumber: patch.extension }),
          updatedAt: ctx.now().toISOString(),
        };
        store.numbers.update(after);
        audit(ctx, actor, 'number.update', { type: 'number', id: e164 }, before, after);
        return after;
      });
    },

    remove(actor: Principal, e164: string): void {
      store.transaction(() => {
        const before = mustGet(e164);
        const users = store.numbers.usedAsCallerId(e164);
        if (users.length > 0) {
          throw appError('NUMBER_IN_USE', `number ${e164} is the outbound caller ID of extension ${users.join(', ')}`);
        }
        store.numbers.delete(e164);
        audit(ctx, actor, 'number.delete', { type: 'number', id: e164 }, before, null);
      });
    },
  };
}

export type NumberService = ReturnType<typeof createNumberService>;
