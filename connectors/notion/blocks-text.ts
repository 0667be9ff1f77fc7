import type { NotionBlock, NotionRichText } from './api.ts';

/** A block with the children the reader fetched for it (none for a `child_page`, which is a document of its own). */
export interface BlockNode {
  block: NotionBlock;
  children: BlockNode[];
}

/** Blocks whose siblings of the same kind form one Markdown list, a line each. */
const LIST_ITEMS = new Set(['bulleted_list_item', 'numbered_list_item', 'to_do']);

/** Blocks that only hold other blocks, or point elsewhere: their own text is empty. */
const WITHOUT_TEXT = new Set(['child_page', 'child_database', 'link_to_page', 'table_of_contents', 'breadcrumb', 'unsupported']);

export const plainText = (richText: NotionRichText[] | undefined): string => (richText ?? []).map((part) => part.plain_text).join('');

/**
 * A page's block tree as Markdown: headings as `#`, lists, to-dos as `[ ]`/`[x]`, fenced code,
 * quotes and callouts as `>`, table rows with their cells joined by ` | `, toggles with their children.
 * @example
 * blocksToText([{ block: { id: 'b1', type: 'to_do', hasChildren: false, content: { rich_text: [{ plain_text: 'Ship' }], checked: true } }, children: [] }])
 * // '- [x] Ship'
 */
export function blocksToText(nodes: BlockNode[]): string {
  let text = '';
  let previous: string | undefined;
  let number = 0;
  for (const node of nodes) {
    const { type } = node.block;
    number = type === 'numbered_list_item' ? number + 1 : 0;
    const rendered = blockText(node, number);
    if (rendered === '') continue;
    const separator = text === '' ? '' : LIST_ITEMS.has(type) && previous !== undefined && LIST_ITEMS.has(previous) ? '\n' : '\n\n';
    text += separator + rendered;
    previous = type;
  }
  return text;
}

function blockText(node: BlockNode, number: number): string {
  const { type, content } = node.block;
  const text = plainText(content.rich_text);
  const children = blocksToText(node.children);
  switch (type) {
    case 'heading_1':
    case 'heading_2':
    case 'heading_3':
      return joinBlocks(`${'#'.repeat(Number(type.slice(-1)))} ${text}`, children);
    case 'bulleted_list_item':
      return listItem(`- ${text}`, children);
    case 'numbered_list_item':
      return listItem(`${number}. ${text}`, children);
    case 'to_do':
      return listItem(`- [${content.checked ? 'x' : ' '}] ${text}`, children);
    case 'code': {
      const language = content.language === 'plain text' ? '' : (content.language ?? '');
      return `\`\`\`${language}\n${text}\n\`\`\``;
    }
    case 'quote':
      return quoted(joinBlocks(text, children));
    case 'callout': {
      const emoji = content.icon?.emoji;
      return quoted(joinBlocks(emoji ? `${emoji} ${text}` : text, children));
    }
    case 'table':
      return node.children.map((row) => tableRow(row.block)).join('\n');
    case 'table_row':
      return tableRow(node.block);
    case 'divider':
      return '---';
    case 'equation':
      return content.expression ?? '';
    case 'bookmark':
    case 'embed':
    case 'link_preview':
      return joinBlocks(content.url ?? '', plainText(content.caption));
    case 'image':
    case 'video':
    case 'audio':
    case 'file':
    case 'pdf':
      return plainText(content.caption);
    default:
      return WITHOUT_TEXT.has(type) ? children : joinBlocks(text, children);
  }
}

const joinBlocks = (...parts: string[]) => parts.filter((part) => part !== '').join('\n\n');

const tableRow = (row: NotionBlock) => (row.content.cells ?? []).map((cell) => plainText(cell)).join(' | ');

/** A list item with its nested blocks indented under it, as Markdown nests lists. */
function listItem(line: string, children: string): string {
  return children === '' ? line : `${line}\n${indent(children, '  ')}`;
}

function quoted(text: string): string {
  return text === '' ? '' : indent(text, '> ');
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? prefix.trimEnd() : `${prefix}${line}`))
    .join('\n');
}
