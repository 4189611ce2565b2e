import { findAll, textOf, type ForgeDoc } from '../../sandbox/ui-host/browser/forge-doc';

/**
 * Runs a UI Kit resource (src/ui/*.tsx) under Jest the way the UI Kit host runs it: `self.__bridge` receives
 * each `reconcile` commit and answers `invoke` from a table of resolver replies, so a test can look at what
 * the app draws in each state and press its buttons.
 */

export type Reply = unknown | ((payload: Record<string, unknown>) => unknown);

export interface Mounted {
  doc(): ForgeDoc;
  text(): string;
  calls: Array<{ functionKey: string; payload: Record<string, unknown> }>;
  /** Waits until the latest commit satisfies `predicate` (the app renders asynchronously after invokes). */
  until(predicate: (doc: ForgeDoc) => boolean, what: string): Promise<ForgeDoc>;
  find(type: string, label?: string): ForgeDoc;
}

export function mount(resource: string, replies: Record<string, Reply>): Mounted {
  let latest: ForgeDoc | null = null;
  const calls: Mounted['calls'] = [];
  const bridge = {
    callBridge: async (
      cmd: string,
      data: { forgeDoc?: ForgeDoc; functionKey?: string; payload?: Record<string, unknown> },
    ) => {
      if (cmd === 'reconcile') latest = data.forgeDoc ?? null;
      if (cmd === 'invoke') {
        const key = data.functionKey as string;
        calls.push({ functionKey: key, payload: data.payload ?? {} });
        if (!(key in replies)) throw new Error(`no reply for ${key}`);
        const reply = replies[key];
        return typeof reply === 'function'
          ? (reply as (p: Record<string, unknown>) => unknown)(data.payload ?? {})
          : reply;
      }
      return undefined;
    },
  };
  const g = globalThis as Record<string, unknown>;
  g.self = globalThis;
  g.__bridge = bridge;
  jest.isolateModules(() => {
    // The resource renders itself when it loads, as it does in Forge.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(resource);
  });
  const doc = () => {
    if (!latest) throw new Error('nothing rendered yet');
    return latest;
  };
  return {
    doc,
    text: () => textOf(doc()),
    calls,
    async until(predicate, what) {
      for (let i = 0; i < 200; i += 1) {
        if (latest && predicate(latest)) return latest;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`never rendered ${what}; last showed: ${latest ? textOf(latest) : 'nothing'}`);
    },
    find(type, label) {
      const found = findAll(doc(), type).find((n) => label === undefined || textOf(n) === label);
      if (!found) throw new Error(`no ${type}${label ? ` "${label}"` : ''} in: ${textOf(doc())}`);
      return found;
    },
  };
}

/** The nodes after `node` under the same parent, in order: what a person sees next to it. */
export function siblingsAfter(root: ForgeDoc, node: ForgeDoc): ForgeDoc[] {
  const index = root.children.indexOf(node);
  if (index >= 0) return root.children.slice(index + 1);
  for (const child of root.children) {
    const found = siblingsAfter(child, node);
    if (found.length > 0 || child.children.includes(node)) return found;
  }
  return [];
}

/** A promise that never settles: the resolver call the loading state waits on. */
export const never = () => new Promise(() => undefined);
