// The seed's "Use in Workflows" example, unchanged, through `python -m bifrost run`: the real
// server, the oidc-provider fixture for the OAuth token, and a small HaloPSA stand-in that
// answers /api/customers only for a live bearer token (it asks the provider) and a known tenant.
// API keys are created and revoked in Settings > API Keys.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, reloadsLive, test, waitForHydration } from './fixtures';
import {
  CUSTOMERS, SEED_WORKFLOW, callServer, createKey, createOrganization, haloPort, issuer, removeHaloPSA, runWorkflow,
  startHalo,
} from './workflow-support';

const serverUrl = `http://127.0.0.1:${process.env.BIFROST_E2E_PORT ?? 3170}`;

test('the seed workflow runs unchanged for each organization and gets its tenant’s customers', async ({ page }) => {
  test.setTimeout(120_000);
  const halo = await startHalo();
  try {
    const stamp = Date.now();
    const contoso = `Contoso ${stamp}`;
    const fabrikam = `Fabrikam ${stamp}`;
    const call = (path: string, data: unknown) => callServer(page, path, data);

    // The HaloPSA integration with a base_url default and two organizations on different tenants
    // (an earlier test's HaloPSA goes first: the seed's workflow asks for that name).
    await removeHaloPSA(page);
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
      const id = await createOrganization(page, name);
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
    halo.server.close();
  }
});
