// What the end-to-end specs that run the seed's workflow share: the seed's Python example
// exactly as documented, a small HaloPSA stand-in that answers /api/customers only for a live
// bearer token (it asks the OAuth fixture) and a known tenant, running the example through
// `python -m bifrost run`, creating API keys in Settings > API Keys, and the provider's consent.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { Page } from '@playwright/test';
import { expect, reloadsLive, waitForHydration } from './fixtures';

export const issuer = `http://127.0.0.1:${process.env.OIDC_PORT ?? 3171}`;
export const haloPort = Number(process.env.HALO_PORT ?? 3172);
// scripts/test sets it to the virtual environment where sdk/python is installed.
const python = process.env.BIFROST_PYTHON ?? 'python3';

// The example from creating-integrations.txt, exactly as documented.
export const SEED_WORKFLOW = `from bifrost import workflow, integrations
import httpx

@workflow
async def fetch_customers():
    # Get integration
    integration = await integrations.get("HaloPSA")
    if not integration:
        return {"error": "Integration not configured"}

    # Access config
    base_url = integration.config.get("base_url")
    tenant = integration.entity_id

    # Access OAuth token
    token = integration.oauth.access_token if integration.oauth else None

    # Make API call
    async with httpx.AsyncClient() as client:
        response = await client.get(
            f"{base_url}/api/customers",
            headers={
                "Authorization": f"Bearer {token}",
                "X-Tenant-ID": tenant
            }
        )
        return response.json()
`;

export const CUSTOMERS: Record<string, { id: number; name: string }[]> = {
  'tenant-contoso': [{ id: 1, name: 'Contoso Retail' }, { id: 2, name: 'Contoso Labs' }],
  'tenant-fabrikam': [{ id: 7, name: 'Fabrikam Shipping' }],
};

/** A HaloPSA stand-in that is running, and the bearer token it last accepted per tenant. */
export type Halo = { server: Server; tokens: Map<string, string> };

/** HaloPSA's stand-in: a live token (by introspection at the provider) and a known tenant. */
export function startHalo(port = haloPort): Promise<Halo> {
  const tokens = new Map<string, string>();
  const server = createServer(async (request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url !== '/api/customers') return reply(404, { error: 'not found' });
    const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    const introspection = await fetch(`${issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: 'bifrost-e2e', client_secret: 'e2e-client-secret' }),
    });
    const { active } = await introspection.json();
    if (!active) return reply(401, { error: 'invalid token' });
    const tenant = String(request.headers['x-tenant-id'] ?? '');
    if (!(tenant in CUSTOMERS)) return reply(403, { error: `unknown tenant ${tenant}` });
    tokens.set(tenant, token);
    reply(200, CUSTOMERS[tenant]);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, tokens })));
}

type Run = { code: number; stdout: string; stderr: string };

export function runWorkflow(dir: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-m', 'bifrost', 'run', 'halo_workflow:fetch_customers'],
      { cwd: dir, env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

export async function createKey(page: Page, name: string, find: string, organization: RegExp): Promise<string> {
  await page.getByRole('button', { name: 'New API key' }).click();
  const form = page.getByRole('dialog', { name: 'New API key' });
  await expect(form.getByLabel('Name')).toBeFocused();
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Find organization').fill(find);
  const select = form.getByLabel('Acts for');
  const option = select.locator('option', { hasText: organization });
  await expect(option).toHaveCount(1);
  const value = await option.getAttribute('value');
  await select.selectOption(value ?? '');
  await form.getByRole('button', { name: 'Create key' }).click();
  const shown = page.locator('.api-key-value');
  await expect(shown).toHaveText(/^bfk_/);
  const key = (await shown.textContent()) ?? '';
  await reloadsLive(page, () => page.getByRole('button', { name: 'Done' }).click());
  await expect(shown, 'the key is shown only once').toHaveCount(0);
  return key;
}

/** Logs in at the provider (if it asks) as `account` and answers its consent page. */
export async function authorizeAtProvider(page: Page, consent: 'Continue' | 'Cancel', account = 'admin@example.com') {
  await page.waitForURL((url) => url.origin === issuer);
  const login = page.locator('input[name="login"]');
  if (await login.isVisible()) {
    await login.fill(account);
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
  }
  if (consent === 'Continue') {
    await page.getByRole('button', { name: 'Continue' }).click();
  } else {
    await page.getByRole('link', { name: '[ Cancel ]' }).click();
  }
}

/**
 * Follows Connect to the provider and back to `back`: the provider asks for login and consent
 * the first time in a browser; later it may send the browser straight back, with consent it
 * already has for the same client and scopes.
 */
export async function consentUnlessGranted(page: Page, back: RegExp) {
  await page.waitForURL((url) => url.origin === issuer || back.test(url.href));
  if (new URL(page.url()).origin === issuer) await authorizeAtProvider(page, 'Continue');
  await page.waitForURL(back);
}

/** Calls a server function with a JSON body, as the app's structured forms do; its answer. */
export async function callServer(page: Page, path: string, data: unknown) {
  const response = await page.request.post(`/api/${path}`, { data, headers: { accept: 'application/json' } });
  expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
  return response.json();
}

/** A new organization, through Settings > Organizations' server function: its id. */
export async function createOrganization(page: Page, name: string): Promise<number> {
  const response = await page.request.post('/api/organizations/create', { form: { name }, headers: { accept: 'application/json' } });
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()).id;
}

/** A new integration on a new authorization-code connection at the OAuth fixture. */
export async function integrationWithConsent(page: Page, name: string, fields: unknown[] = [], authorizationUrl = `${issuer}/auth`) {
  return callServer(page, 'integrations/create', {
    draft: {
      name, description: '', entity_id_name: '', default_entity_id: '', fields,
      confirm_field_removal: false, opened_at_version: null,
    },
    oauth: {
      kind: 'custom',
      draft: {
        name: `${name}_Auth`, grant_type: 'authorization_code', authorization_url: authorizationUrl,
        token_url: `${issuer}/token`, client_id: 'bifrost-e2e', client_secret: { Set: 'e2e-client-secret' },
        scopes: 'openid offline_access api.read', pkce: true, extra_parameters: 'prompt=consent', audience: '',
        revocation_url: '', entity_id_source: '',
      },
    },
  });
}

/** Removes an earlier test's HaloPSA, if any: the seed's workflow asks for that name. */
export async function removeHaloPSA(page: Page) {
  const form = { headers: { accept: 'application/json' } };
  const earlier = await page.request.post('/api/integrations/get', { ...form, form: { name: 'HaloPSA' } });
  if (earlier.ok()) {
    const id = String((await earlier.json()).id);
    expect((await page.request.post('/api/integrations/delete', { ...form, form: { id } })).ok()).toBe(true);
  }
}

/** The Mappings tab's Add Mapping dialog, with the organization found by `find` and chosen. */
export async function openAddMapping(page: Page, integration: string, find: string, organization: string) {
  await page.goto(`/settings/integrations/${integration}/mappings`);
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Add Mapping' }).click();
  const editor = page.getByRole('dialog', { name: 'Add Mapping' });
  await editor.getByLabel('Find organization').fill(find);
  await editor.getByLabel('Organization', { exact: true }).selectOption({ label: organization });
  return editor;
}
