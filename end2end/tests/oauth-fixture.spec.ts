// Proves the OAuth fixture is a working authorization server before the product's OAuth tests
// rely on it: login and consent pages, code with PKCE (enforced), refresh, client credentials.
import { createHash, randomBytes } from 'node:crypto';
import { test, expect } from '@playwright/test';

const issuer = `http://127.0.0.1:${process.env.OIDC_PORT ?? 3171}`;
const redirectUri = 'http://127.0.0.1:3170/oauth/callback/e2e';
const client = { client_id: 'bifrost-e2e', client_secret: 'e2e-client-secret' };

test('the OAuth fixture runs authorization code with PKCE, refresh and client credentials', async ({ page, request }) => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(`${issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid offline_access api.read',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    prompt: 'consent',
  }).toString();

  // The provider redirects to the callback; the request is enough, whatever the server answers.
  const callbackRequest = page.waitForRequest((request) => request.url().includes('/oauth/callback/'));
  await page.goto(authorize.toString());
  await page.locator('input[name="login"]').fill('admin@example.com');
  await page.locator('input[name="password"]').fill('anything');
  await page.locator('button[type="submit"]').click();
  await page.getByRole('button', { name: 'Continue' }).click();
  const callback = new URL((await callbackRequest).url());

  expect(callback.searchParams.get('state')).toBe(state);
  expect(callback.searchParams.get('iss')).toBe(issuer);
  const code = callback.searchParams.get('code') ?? '';
  expect(code).not.toBe('');

  const token = (form: Record<string, string>) =>
    request.post(`${issuer}/token`, { form: { ...client, ...form } });

  const withoutVerifier = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  expect(withoutVerifier.status()).toBe(400);
  expect((await withoutVerifier.json()).error).toBe('invalid_grant');

  const exchanged = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
  expect(exchanged.status()).toBe(200);
  const tokens = await exchanged.json();
  expect(tokens.access_token).toBeTruthy();
  expect(tokens.refresh_token).toBeTruthy();
  expect(tokens.scope).toContain('api.read');

  const refreshed = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: 'api.read' });
  expect(refreshed.status()).toBe(200);
  const renewed = await refreshed.json();
  expect(renewed.access_token).toBeTruthy();
  expect(renewed.access_token).not.toBe(tokens.access_token);

  const machine = await token({ grant_type: 'client_credentials', scope: 'api.read' });
  expect(machine.status()).toBe(200);
  expect((await machine.json()).access_token).toBeTruthy();
});
