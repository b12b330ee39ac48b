// "Sanad" for the tests: panva's certified OpenID Provider (npm `oidc-provider`) on 127.0.0.1.
//
// node provider.mjs CONFIG.json — CONFIG: {port, client_id, client_secret, redirect_uris,
// id_claim, users: {accountId: {claims}}}. Prints "READY <issuer>" once it listens. The login and
// consent pages are the provider's development interactions: any password, accountId = the login typed.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

// A fresh signing key every run: the portal must fetch the JWKS and check the ID token's signature.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: `sanad-test-${Date.now()}`, alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    redirect_uris: config.redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [jwk] },
  cookies: { keys: ['sanad-test-cookie-key'] },
  // Authorization code with PKCE (S256) only: a request without a code challenge is refused.
  pkce: { required: () => true, methods: ['S256'] },
  features: { devInteractions: { enabled: true } },
  scopes: ['openid', 'profile', config.id_claim],
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name', 'nationality', 'email', 'email_verified'],
    [config.id_claim]: [config.id_claim],
  },
  async findAccount(ctx, id) {
    const user = config.users[id];
    if (!user) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...user }; } };
  },
  ttl: { Session: 600, Interaction: 600, Grant: 600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
});
provider.proxy = false;

provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`READY ${issuer}\n`);
});
