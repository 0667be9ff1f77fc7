import { z } from 'zod';

/** A node of the Atlassian Document Format (ADF), the rich text of Jira Cloud's v3 API: the fields the text needs. */
export interface AdfNode {
  type: string;
  text?: string | undefined;
  attrs?: Record<string, unknown> | undefined;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> | undefined }> | undefined;
  content?: AdfNode[] | undefined;
}

export const adfNodeSchema: z.ZodType<AdfNode> = z.object({
  type: z.string(),
  text: z.string().optional(),
  attrs: z.record(z.string(), z.unknown()).optional(),
  marks: z.array(z.object({ type: z.string(), attrs: z.record(z.string(), z.unknown()).optional() })).optional(),
  get content() {
    return z.array(adfNodeSchema).optional();
  },
});

/**
 * The plain text of an ADF document: blocks apart by a blank line, list items on their own lines
 * with `- ` or `1. `, code verbatim, mentions by name, and a link's target after its text.
 * @example
 * adfToText({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hi' }] }] }) // 'Hi'
 */
export function adfToText(document: AdfNode): string {
  return blockText(document)
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function blocks(nodes: AdfNode[] | undefined, separator = '\n\n'): string {
  return (nodes ?? [])
    .map(blockText)
    .filter((text) => text !== '')
    .join(separator);
}

function blockText(node: AdfNode): string {
  const children = node.content ?? [];
  switch (node.type) {
    case 'paragraph':
    case 'heading':
    case 'taskItem':
    case 'decisionItem':
      return inline(children);
    case 'codeBlock':
      return children.map((child) => child.text ?? '').join('');
    case 'bulletList':
    case 'decisionList':
      return children.map((item) => listItem(item, '- ')).join('\n');
    case 'orderedList': {
      const start = Number(node.attrs?.order ?? 1) || 1;
      return children.map((item, index) => listItem(item, `${start + index}. `)).join('\n');
    }
    case 'taskList':
      return children.map((item) => listItem(item, item.attrs?.state === 'DONE' ? '[x] ' : '[ ] ')).join('\n');
    case 'blockquote':
      return blocks(children).replace(/^/gm, '> ');
    case 'table':
      return children.map((row) => (row.content ?? []).map((cell) => blocks(cell.content, ' ')).join(' | ')).join('\n');
    case 'expand':
    case 'nestedExpand':
      return [textOf(node.attrs?.title), blocks(children)].filter(Boolean).join('\n\n');
    case 'blockCard':
    case 'embedCard':
      return textOf(node.attrs?.url);
    case 'rule':
    case 'mediaSingle':
    case 'mediaGroup':
    case 'media':
      return '';
    default:
      // doc, panel, layouts and types added later: a container of blocks, or of inline nodes.
      return children.some((child) => INLINE_TYPES.has(child.type)) ? inline(children) : blocks(children);
  }
}

/** An item's first line after its marker, the lines after it indented under the marker. */
function listItem(item: AdfNode, marker: string): string {
  const text = item.type === 'listItem' ? blocks(item.content, '\n') : blockText(item);
  return `${marker}${text.replace(/\n/g, `\n${' '.repeat(marker.length)}`)}`;
}

const INLINE_TYPES = new Set(['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'status', 'date', 'placeholder']);

function inline(nodes: AdfNode[]): string {
  return nodes.map(inlineText).join('');
}

function inlineText(node: AdfNode): string {
  const attrs = node.attrs ?? {};
  switch (node.type) {
    case 'text': {
      const text = node.text ?? '';
      const href = textOf(node.marks?.find((mark) => mark.type === 'link')?.attrs?.href);
      return href && href !== text ? `${text} (${href})` : text;
    }
    case 'hardBreak':
      return '\n';
    case 'mention':
      return textOf(attrs.text) || `@${textOf(attrs.id)}`;
    case 'emoji':
      return textOf(attrs.text) || textOf(attrs.shortName);
    case 'inlineCard':
      return textOf(attrs.url);
    case 'status':
      return textOf(attrs.text);
    case 'date': {
      const timestamp = Number(attrs.timestamp);
      return Number.isFinite(timestamp) ? new Date(timestamp).toISOString().slice(0, 10) : '';
    }
    case 'placeholder':
      return '';
    default:
      return node.text ?? inline(node.content ?? []);
  }
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
