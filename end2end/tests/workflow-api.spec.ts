// The seed's "Use in Workflows" example, unchanged, through `python -m bifrost run`: the real
// server, the oidc-provider fixture for the OAuth token, and a small HaloPSA stand-in that
// answers /api/customers only for a live bearer token (it asks the provider) and a known tenant.
// API keys are created and revoked in Settings > API Keys.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, reloadsLive, test, waitForHydration } from './fixtures';

const issuer = `http://127.0.0.1:${process.env.OIDC_PORT ?? 3171}`;
const haloPort = Number(process.env.HALO_PORT ?? 3172);
// scripts/test sets it to the virtual environment where sdk/python is installed.
const python = process.env.BIFROST_PYTHON ?? 'python3';
const serverUrl = `http://127.0.0.1:${process.env.BIFROST_E2E_PORT ?? 3170}`;

// The example from creating-integrations.txt, exactly as documented.
const SEED_WORKFLOW = `from bifrost import workflow, integrations
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

const CUSTOMERS: Record<string, { id: number; name: string }[]> = {
  'tenant-contoso': [{ id: 1, name: 'Contoso Retail' }, { id: 2, name: 'Contoso Labs' }],
  'tenant-fabrikam': [{ id: 7, name: 'Fabrikam Shipping' }],
};

/** HaloPSA's stand-in: a live token (by introspection at the provider) and a known tenant. */
function startHalo(): Promise<Server> {
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
    reply(200, CUSTOMERS[tenant]);
  });
  return new Promise((resolve) => server.listen(haloPort, '127.0.0.1', () => resolve(server)));
}

type Run = { code: number; stdout: string; stderr: string };

function runWorkflow(dir: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-m', 'bifrost', 'run', 'halo_workflow:fetch_customers'],
      { cwd: dir, env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function createKey(page: Page, name: string, find: string, organization: RegExp): Promise<string> {
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

test('the seed workflow runs unchanged for each organization and gets its tenant’s customers', async ({ page }) => {
  test.setTimeout(120_000);
  const halo = await startHalo();
  try {
    const stamp = Date.now();
    const contoso = `Contoso ${stamp}`;
    const fabrikam = `Fabrikam ${stamp}`;
    const call = async (path: string, data: unknown) => {
      const response = await page.request.post(`/api/${path}`, { data, headers: { accept: 'application/json' } });
      expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
      return response.json();
    };
    const organization = async (name: string) => {
      const response = await page.request.post('/api/organizations/create', { form: { name }, headers: { accept: 'application/json' } });
      expect(response.ok(), await response.text()).toBe(true);
      return (await response.json()).id as number;
    };

    // The HaloPSA integration with a base_url default and two organizations on different tenants
    // (an earlier test's HaloPSA goes first: the seed's workflow asks for that name).
    await page.goto('/settings/integrations');
    await waitForHydration(page);
    const form = { headers: { accept: 'application/json' } };
    const earlier = await page.request.post('/api/integrations/get', { ...form, form: { name: 'HaloPSA' } });
    if (earlier.ok()) {
      const id = String((await earlier.json()).id);
      expect((await page.request.post('/api/integrations/delete', { ...form, form: { id } })).ok()).toBe(true);
    }
    const integration = await call('integrations/create', {
      draft: {
        name: 'HaloPSA', description: 'HaloPSA tickets and customers', entity_id_name: 'Tenant ID', default_entity_id: '',
        fields: [{ id: null, key: 'base_url', field_type: 'string', required: true, description: 'API root' }],
        confirm_field_removal: false, opened_at_version: null,
      },
    });
    await call('integrations/save-defaults', {
      integration_id: integration.id,
      inputs: [{ key: 'base_url', change: { Set: `http://127.0.0.1:${haloPort}` } }],
    });
    for (const [name, tenant] of [[contoso, 'tenant-contoso'], [fabrikam, 'tenant-fabrikam']]) {
      const id = await organization(name);
      await call('mappings/create', { integration_id: integration.id, draft: { organization_id: id, entity_id: tenant, entity_name: name, overrides: [] } });
    }
    const connection = await call('oauth/create', {
      draft: {
        name: `Halo_Workflow_${stamp}`, grant_type: 'authorization_code', authorization_url: `${issuer}/auth`,
        token_url: `${issuer}/token`, client_id: 'bifrost-e2e', client_secret: { Set: 'e2e-client-secret' },
        scopes: 'openid offline_access api.read', pkce: true, extra_parameters: 'prompt=consent', audience: '',
        revocation_url: '', entity_id_source: '',
      },
    });
    await call('integrations/link-oauth', { integration_id: integration.id, connection_id: connection.id });

    // The OAuth token, through the provider's login and consent pages.
    await page.goto('/settings/integrations/HaloPSA/oauth');
    await waitForHydration(page);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.waitForURL((url) => url.origin === issuer);
    if (await page.locator('input[name="login"]').isVisible()) {
      await page.locator('input[name="login"]').fill('admin@example.com');
      await page.locator('input[name="password"]').fill('anything');
      await page.locator('button[type="submit"]').click();
    }
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/oauth=connected/);
    await expect(page.locator('.token-status')).toHaveText('Connected');

    // Keys from Settings > API Keys: one for the provider, one for Contoso only.
    await page.goto('/settings/api-keys');
    await waitForHydration(page);
    const providerKey = await createKey(page, `Runner ${stamp}`, 'Provider', /provider: any organization/);
    const contosoKey = await createKey(page, `Contoso automation ${stamp}`, contoso, new RegExp(`^${contoso}$`));
    // The key's own row, not the confirmation row that opens below it and names it too.
    const runnerRow = page.locator('tr:not(.confirm-row)').filter({ hasText: `Runner ${stamp}` });
    await expect(runnerRow).toContainText(providerKey.slice(0, 12));
    await expect(runnerRow).toContainText('Active');
    expect(await page.content(), 'the list never shows a whole key').not.toContain(providerKey);

    // The seed's workflow, unchanged, for each organization.
    const dir = mkdtempSync(join(tmpdir(), 'bifrost-workflow-'));
    writeFileSync(join(dir, 'halo_workflow.py'), SEED_WORKFLOW);
    const env = { BIFROST_URL: serverUrl, BIFROST_API_KEY: providerKey };
    for (const [name, tenant] of [[contoso, 'tenant-contoso'], [fabrikam, 'tenant-fabrikam']]) {
      const run = await runWorkflow(dir, { ...env, BIFROST_ORG: name });
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(CUSTOMERS[tenant]);
    }

    // A customer key acts only for its own organization.
    const own = await runWorkflow(dir, { ...env, BIFROST_API_KEY: contosoKey, BIFROST_ORG: contoso });
    expect(JSON.parse(own.stdout)).toEqual(CUSTOMERS['tenant-contoso']);
    const other = await runWorkflow(dir, { ...env, BIFROST_API_KEY: contosoKey, BIFROST_ORG: fabrikam });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('PermissionDeniedError');

    // Revoked: refused from the next run on.
    await runnerRow.getByRole('button', { name: `Revoke Runner ${stamp}` }).click();
    const confirm = page.getByRole('alertdialog');
    await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await reloadsLive(page, () => confirm.getByRole('button', { name: 'Revoke key' }).click());
    await expect(runnerRow).toContainText('Revoked');
    const revoked = await runWorkflow(dir, { ...env, BIFROST_ORG: contoso });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('AuthenticationError');

    // The reference page is linked from Settings > API Keys.
    await page.getByRole('link', { name: 'API reference' }).click();
    await expect(page.getByRole('heading', { name: 'Bifrost Integrations workflow API' })).toBeVisible();
    await expect(page.locator('body')).toContainText('GET /api/v1/integrations/{name}');
  } finally {
    halo.close();
  }
});
