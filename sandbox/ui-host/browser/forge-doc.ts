/**
 * The tree `@forge/react`'s reconciler hands the host on every commit (`callBridge('reconcile', { forgeDoc })`):
 * each node names a UI Kit component, carries its props (function props keep their identity, since this host
 * runs in the same realm as the app's bundle) and a stable `key` for the life of the component instance.
 */
export interface ForgeDoc {
  type: string;
  key: string;
  props: Record<string, unknown>;
  children: ForgeDoc[];
}

/** All text under a node, in order: what a person reads there. */
export function textOf(node: ForgeDoc): string {
  if (node.type === 'String') return String(node.props.text ?? '');
  return node.children.map(textOf).join('');
}

/** Every node of the given component type, depth first. */
export function findAll(node: ForgeDoc, type: string): ForgeDoc[] {
  const own = node.type === type ? [node] : [];
  return [...own, ...node.children.flatMap((c) => findAll(c, type))];
}
