import { randomUUID } from 'node:crypto';
import { OAuth2Server } from 'oauth2-mock-server';

/**
 * A local OAuth2 provider on loopback, signing RS256 tokens that each carry a unique id, so two
 * tokens issued within one second differ, as real providers' do.
 */
export async function startOAuthProvider(): Promise<OAuth2Server> {
  const provider = new OAuth2Server();
  await provider.issuer.keys.generate('RS256');
  await provider.start(0, '127.0.0.1');
  provider.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
    token.payload.jti = randomUUID();
  });
  return provider;
}
