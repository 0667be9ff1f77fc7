import type { OpenedCredential } from '../connector-definition.ts';

/**
 * Where Salesforce's API answers for a connector: the instance its OAuth token answer named (as
 * Salesforce asks clients to use), else the configured `instanceUrl`; undefined when neither says.
 */
export function salesforceInstanceUrl(config: { instanceUrl?: string | undefined }, credential: OpenedCredential | undefined): string | undefined {
  const named = credential?.kind === 'oauth2' ? (credential.secret as { instanceUrl?: string }).instanceUrl : undefined;
  return named ?? config.instanceUrl;
}

export const missingInstanceMessage = 'Salesforce needs an instance URL: connect through OAuth, whose token answer names it, or set instanceUrl';
