import { compile, type FormatCallback } from 'html-to-text';

/**
 * Confluence's storage format (XHTML with `ac:` macros and `ri:` resource identifiers) as plain
 * text: headings, paragraphs, lists, tables and the text of macros such as code, info panels and
 * tasks; a link reads as its label or, without one, as the title or file name it points to.
 * Macro parameters, images and task states are left out.
 * @example
 * storageToText('<p>See <ac:link><ri:page ri:content-title="Deploy guide" /></ac:link></p>') // "See Deploy guide"
 */
export function storageToText(storage: string): string {
  return convert(asHtml(storage)).trim();
}

/**
 * The HTML parser keeps neither CDATA (code macro bodies, link labels) nor self-closed unknown
 * elements (`<ri:page />` would swallow its siblings), so both are rewritten first.
 */
function asHtml(storage: string): string {
  return storage
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))
    .replace(/<((?:ac|ri):[\w-]+|time)(\s[^<>]*?)?\s*\/>/g, '<$1$2></$1>');
}

const confluenceLink: FormatCallback = (element, walk, builder) => {
  const children = element.children ?? [];
  const label = children.find((child) => child.name === 'ac:plain-text-link-body' || child.name === 'ac:link-body');
  if (label) return walk(label.children ?? [], builder);
  const target = children.find((child) => child.type === 'tag')?.attribs ?? {};
  const name = target['ri:content-title'] ?? target['ri:filename'] ?? target['ri:value'];
  if (name) builder.addInline(name);
};

const time: FormatCallback = (element, _walk, builder) => {
  if (element.attribs?.datetime) builder.addInline(element.attribs.datetime);
};

const skipped = ['ac:parameter', 'ac:task-id', 'ac:task-status', 'ac:image', 'ac:placeholder', 'ac:emoticon'];
const blocks = ['ac:structured-macro', 'ac:rich-text-body', 'ac:task', 'ac:layout-section', 'ac:layout-cell'];
const headings = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
// A colon in a CSS selector starts a pseudo-class, so namespaced element names are escaped.
const selectorOf = (name: string) => name.replace(':', '\\:');

const convert = compile({
  wordwrap: false,
  formatters: { confluenceLink, time },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    { selector: 'time', format: 'time' },
    { selector: selectorOf('ac:link'), format: 'confluenceLink' },
    { selector: selectorOf('ac:plain-text-body'), format: 'pre' },
    ...headings.map((selector) => ({ selector, options: { uppercase: false } })),
    ...skipped.map((name) => ({ selector: selectorOf(name), format: 'skip' })),
    ...blocks.map((name) => ({ selector: selectorOf(name), format: 'block' })),
  ],
});
