/** The ADF checks Jira makes on a comment body, and the plain text a person would read. */
const BLOCK = new Set([
  'paragraph',
  'bulletList',
  'orderedList',
  'listItem',
  'heading',
  'codeBlock',
  'rule',
  'blockquote',
  'table',
  'tableRow',
  'tableCell',
  'tableHeader',
  'panel',
]);
const INLINE = new Set(['text', 'hardBreak', 'mention', 'emoji', 'inlineCard']);

export function isAdfDoc(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const doc = value as { type?: unknown; version?: unknown; content?: unknown };
  return doc.type === 'doc' && doc.version === 1 && Array.isArray(doc.content) && doc.content.every(validNode);
}

function validNode(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  const n = node as { type?: unknown; text?: unknown; content?: unknown };
  if (typeof n.type !== 'string' || (!BLOCK.has(n.type) && !INLINE.has(n.type))) return false;
  if (n.type === 'text') return typeof n.text === 'string' && n.text.length > 0;
  return n.content === undefined || (Array.isArray(n.content) && n.content.every(validNode));
}

export function adfText(node: unknown): string {
  if (node === null || typeof node !== 'object') return '';
  const n = node as { type?: string; text?: string; content?: unknown[] };
  if (n.type === 'text') return n.text ?? '';
  if (n.type === 'hardBreak') return '\n';
  // A horizontal line, as Jira's wiki markup writes one.
  if (n.type === 'rule') return '----\n';
  const inner = (n.content ?? []).map(adfText).join('');
  if (n.type === 'listItem') return `- ${inner.trim()}\n`;
  if (n.type === 'paragraph' || n.type === 'heading') return `${inner}\n`;
  return inner;
}
