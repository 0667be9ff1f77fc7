import type { NotionApi, NotionObjectKind, NotionPage, NotionParent } from './api.ts';

/** Deeper than any real page tree; a bound in case a parent chain ever loops. */
const MAX_DEPTH = 64;

type Node = { kind: NotionObjectKind; id: string };

/** Notion takes ids with or without hyphens, in any case; configured ids are compared in one form. */
export const normalizeId = (id: string) => id.replaceAll('-', '').toLowerCase();

function parentNode(parent: NotionParent): Node | null {
  if (parent.page_id) return { kind: 'page', id: parent.page_id };
  if (parent.database_id) return { kind: 'database', id: parent.database_id };
  if (parent.block_id) return { kind: 'block', id: parent.block_id };
  return null;
}

/**
 * Tells whether a page lies under one of the root pages, by climbing its parents (pages, databases,
 * the blocks pages sit in) until a root or the workspace. Parents are asked once per reader; the
 * pages of the listing already say theirs.
 */
export function rootPages(api: NotionApi, rootPageIds: readonly string[]) {
  const roots = new Set(rootPageIds.map(normalizeId));
  const parents = new Map<string, Node | null>();
  const key = (node: Node) => `${node.kind}:${normalizeId(node.id)}`;

  async function parentOf(node: Node): Promise<Node | null> {
    const known = parents.get(key(node));
    if (known !== undefined) return known;
    const parent = await api.parentOf(node.kind, node.id);
    // A parent the integration cannot see ends the climb: nothing above it was shared.
    const found = parent ? parentNode(parent) : null;
    parents.set(key(node), found);
    return found;
  }

  return {
    async contains(page: NotionPage): Promise<boolean> {
      parents.set(key({ kind: 'page', id: page.id }), parentNode(page.parent));
      let node: Node | null = { kind: 'page', id: page.id };
      for (let depth = 0; node && depth < MAX_DEPTH; depth += 1) {
        if (node.kind === 'page' && roots.has(normalizeId(node.id))) return true;
        node = await parentOf(node);
      }
      return false;
    },
  };
}
