import type { AdfDocument } from './ports';

/** The few Atlassian Document Format nodes the app's comments use (ADF: doc > block nodes > inline text). */

export interface Inline {
  type: 'text';
  text: string;
  marks?: Array<{ type: 'strong' } | { type: 'code' }>;
}

export const text = (value: string): Inline => ({ type: 'text', text: value });
export const strong = (value: string): Inline => ({ type: 'text', text: value, marks: [{ type: 'strong' }] });
export const code = (value: string): Inline => ({ type: 'text', text: value, marks: [{ type: 'code' }] });

export const para = (...content: Inline[]) => ({ type: 'paragraph', content: content.filter((c) => c.text !== '') });

export const bullets = (items: Inline[][]) => ({
  type: 'bulletList',
  content: items.map((item) => ({ type: 'listItem', content: [para(...item)] })),
});

/** A horizontal line between two parts of one comment. */
export const rule = () => ({ type: 'rule' });

export const adfDoc = (...content: unknown[]): AdfDocument => ({ type: 'doc', version: 1, content });
