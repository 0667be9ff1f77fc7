import { MAX_METADATA_PAIRS } from '../../domain/metadata.ts';
import type { SourceDocument } from '../source.ts';
import type { NotionPage, NotionParent, NotionProperty } from './api.ts';
import { blocksToText, plainText, type BlockNode } from './blocks-text.ts';

const MAX_KEY_LENGTH = 64;
const MAX_VALUE_LENGTH = 512;
const FIXED_METADATA = 5;

/** The page's title: the text of its one `title` property (a database row's name column, a page's title). */
export function pageTitle(page: NotionPage): string {
  for (const property of Object.values(page.properties)) {
    if ('title' in property) return plainText(property.title);
  }
  return '';
}

/** The id of what holds the page: its database, parent page or block; `workspace` at the top. */
export function parentId(parent: NotionParent): string {
  return parent.database_id ?? parent.page_id ?? parent.block_id ?? parent.type;
}

/**
 * A page or database row as Markdown: its title, a row's properties a line each, then its blocks.
 * A row's simple properties are also metadata as `property.<name>`.
 */
export function pageDocument(page: NotionPage, blocks: BlockNode[], author: string): SourceDocument {
  const title = pageTitle(page);
  const isRow = page.parent.type === 'database_id';
  const properties = isRow ? simpleProperties(page) : [];
  const body = [title ? `# ${title}` : '', properties.map(([name, value]) => `${name}: ${value}`).join('\n'), blocksToText(blocks)]
    .filter((part) => part !== '')
    .join('\n\n');
  const propertyMetadata = properties
    .slice(0, MAX_METADATA_PAIRS - FIXED_METADATA)
    .map(([name, value]) => [`property.${name}`.slice(0, MAX_KEY_LENGTH), value.slice(0, MAX_VALUE_LENGTH)]);
  return {
    externalId: page.id,
    title: title || null,
    url: page.url,
    body,
    mimeType: 'text/markdown',
    metadata: {
      created: page.created_time,
      updated: page.last_edited_time,
      author,
      parent: parentId(page.parent),
      kind: isRow ? 'database_row' : 'page',
      ...Object.fromEntries(propertyMetadata),
    },
    updatedAt: page.last_edited_time,
  };
}

/** A row's select, multi-select, status, date, number, checkbox and text properties as strings, in the row's order; empty ones left out. */
function simpleProperties(page: NotionPage): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  for (const [name, property] of Object.entries(page.properties)) {
    const value = propertyText(property);
    if (value !== undefined && value !== '') found.push([name, value]);
  }
  return found;
}

function propertyText(property: NotionProperty): string | undefined {
  if ('rich_text' in property) return plainText(property.rich_text);
  if ('select' in property) return property.select?.name;
  if ('status' in property) return property.status?.name;
  if ('multi_select' in property) return property.multi_select.map((option) => option.name).join(',');
  if ('date' in property) return property.date ? [property.date.start, property.date.end].filter(Boolean).join('/') : undefined;
  if ('number' in property) return property.number === null ? undefined : String(property.number);
  if ('checkbox' in property) return String(property.checkbox);
  return undefined;
}
