import { workspaceHasCollection } from '../db/repositories/connectors.ts';
import { findWorkspaceDocument, listCollectionDocuments } from '../db/repositories/documents.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';

/** Lists or searches a collection of the caller's workspace. */
export async function listDocuments(
  deps: AppDependencies,
  workspaceId: string,
  collection: string,
  query: Omit<Parameters<typeof listCollectionDocuments>[1], 'workspaceId' | 'collection'>,
) {
  // A collection exists for a workspace while one of its connectors writes to it.
  if (!(await workspaceHasCollection(deps.db, workspaceId, collection))) throw new AppError('not_found', `Collection ${collection} not found`);
  return listCollectionDocuments(deps.db, { workspaceId, collection, ...query });
}

export async function getDocument(deps: AppDependencies, workspaceId: string, id: string) {
  const document = await findWorkspaceDocument(deps.db, workspaceId, id);
  if (!document) throw new AppError('not_found', `Document ${id} not found`);
  return document;
}
