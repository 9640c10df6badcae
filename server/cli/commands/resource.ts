import { InvalidArgumentError, type Command } from 'commander';
import { itemsOf } from '../api-client.ts';
import { contextFor, segment, type CommandContext } from '../context.ts';
import { details, print, table, type CliIo } from '../output.ts';

/** A list filter: `--<flag> <value>` becomes `?<query>=<value>`. */
export interface ListFilter {
  flag: string;
  query: string;
  description: string;
}

/** How one admin API resource maps onto `<group> list|show|rm` commands. */
export interface ResourceSpec {
  /** Command group and API path segment, e.g. `sites`. */
  name: string;
  /** For help texts, e.g. `site`. */
  singular: string;
  /** What identifies one item in `show`/`rm`, e.g. `id`, `mac`. */
  key: string;
  /** Columns of `list` (dotted paths into each item). */
  columns: readonly string[];
  filters?: readonly ListFilter[];
  /**
   * Deletes need `If-Match` with the item's revision (optimistic concurrency): `rm` reads the
   * current revision first, unless `--revision` pins the one the user last saw.
   */
  revisioned?: boolean;
}

type Action = (ctx: CommandContext, ...args: never[]) => Promise<void>;

/** Wraps an action so it gets its context; errors propagate to runCli, which sets the exit code. */
export function action(io: CliIo, fn: Action): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    await fn(contextFor(io, command), ...(args.slice(0, -1) as never[]));
  };
}

/** Adds `list`, `show <key>` and `rm <key>` for a resource to its group command. */
export function addReadDeleteCommands(group: Command, io: CliIo, spec: ResourceSpec): void {
  const list = group
    .command('list')
    .description(`list ${spec.name}`)
    .option('--limit <n>', 'at most this many items')
    .option('--offset <n>', 'skip this many items');
  for (const filter of spec.filters ?? []) list.option(`--${filter.flag} <value>`, filter.description);
  list.action(
    action(io, async (ctx, options: Record<string, string | undefined>) => {
      const query = new URLSearchParams();
      if (options.limit !== undefined) query.set('limit', options.limit);
      if (options.offset !== undefined) query.set('offset', options.offset);
      for (const filter of spec.filters ?? []) {
        const value = options[camel(filter.flag)];
        if (value !== undefined) query.set(filter.query, value);
      }
      const suffix = query.size > 0 ? `?${query.toString()}` : '';
      const response = await ctx.client.get(`/api/v1/${spec.name}${suffix}`);
      print(ctx.io, ctx.json, response, () => table(itemsOf(response), spec.columns));
    }),
  );

  group
    .command(`show <${spec.key}>`)
    .description(`show one ${spec.singular}`)
    .action(
      action(io, async (ctx, key: string) => {
        const item = await ctx.client.get<Record<string, unknown>>(`/api/v1/${spec.name}/${segment(key)}`);
        print(ctx.io, ctx.json, item, () => details(item));
      }),
    );

  const rm = group.command(`rm <${spec.key}>`).description(`delete one ${spec.singular}`);
  if (spec.revisioned) rm.option('--revision <n>', 'delete only if this is still the current revision', integer('--revision'));
  rm.action(
    action(io, async (ctx, key: string, options: { revision?: number }) => {
      const path = `/api/v1/${spec.name}/${segment(key)}`;
      if (spec.revisioned) {
        const revision = options.revision ?? (await ctx.client.get<{ revision: number }>(path)).revision;
        await ctx.client.request('DELETE', path, undefined, { 'if-match': `"${revision}"` });
      } else {
        await ctx.client.delete(path);
      }
      print(ctx.io, ctx.json, { deleted: key }, () => `deleted ${spec.singular} ${key}\n`);
    }),
  );
}

/** Posts a new item and prints it. */
export async function create(ctx: CommandContext, spec: ResourceSpec, body: unknown): Promise<void> {
  const item = await ctx.client.post<Record<string, unknown>>(`/api/v1/${spec.name}`, body);
  print(ctx.io, ctx.json, item, () => details(item));
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Commander option parser for integers, with a message naming the option. */
export function integer(name: string): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be an integer`);
    return Number(value);
  };
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
