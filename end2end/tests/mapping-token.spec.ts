// Create Integration's OAuth Provider section (every broken rule beside its field and nothing
// made; then an existing connection linked, landing where Connect is offered), and the mapping
// form: overrides of secret, bool and json fields, and editing which OAuth token a mapping uses
// (its organization's own token, the shared token, and back).
import type { Page } from '@playwright/test';
import { expect, followLink, reloadsLive, test, waitForHydration } from './fixtures';
import { authorizeAtProvider, callServer, createOrganization, issuer, openAddMapping } from './workflow-support';

async function openCreateIntegration(page: Page, name: string) {
  await page.goto('/settings/integrations/new');
  await waitForHydration(page);
  await page.getByLabel('Name', { exact: true }).fill(name);
}

test('OAuth configured inline is checked with the integration, and an existing connection is linked', async ({ page }) => {
  const stamp = Date.now();
  const connection = `Inline_Existing_${stamp}`;
  await callServer(page, 'oauth/create', {
    draft: {
      name: connection, grant_type: 'authorization_code', authorization_url: `${issuer}/auth`,
      token_url: `${issuer}/token`, client_id: 'bifrost-e2e', client_secret: { Set: 'e2e-client-secret' },
      scopes: 'openid api.read', pkce: true, extra_parameters: '', audience: '', revocation_url: '', entity_id_source: '',
    },
  });

  // Broken rules of both parts at once, each beside its field; nothing is created.
  const name = `Inline_${stamp}`;
  await openCreateIntegration(page, 'Bad name!');
  await page.getByLabel('Configure custom OAuth settings').check();
  await expect(page.getByLabel('Token URL')).toBeVisible();
  await page.getByLabel('Token URL').fill('ftp://example.com/token');
  await page.getByRole('button', { name: 'Save integration' }).click();
  await expect(page.locator('#integration-name-message .field-error')).toBeVisible();
  await expect(page.locator('#oauth-token-url-message .field-error')).toContainText('https');
  await expect(page.locator('#oauth-client-id-message .field-error')).toHaveText('is required');
  await expect(page.locator('#oauth-authorization-url-message .field-error')).toBeVisible();
  await expect(page.getByLabel('Token URL'), 'what was typed is kept').toHaveValue('ftp://example.com/token');
  const missing = await page.request.post('/api/integrations/get', { form: { name: 'Bad name!' }, headers: { accept: 'application/json' } });
  expect(missing.status()).toBe(404);

  // An existing connection instead: saved, and the OAuth tab offers Connect.
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Select existing OAuth connection').check();
  await expect(page.getByLabel('Token URL'), 'the custom settings hide').toBeHidden();
  await page.getByLabel('OAuth connection', { exact: true }).selectOption({ label: `${connection} (Authorization code)` });
  await page.getByRole('button', { name: 'Save integration' }).click();
  await expect(page).toHaveURL(new RegExp(`/settings/integrations/${name}/oauth\\?created=1$`));
  await waitForHydration(page);
  await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeVisible();
  await expect(page.getByLabel('Link an existing OAuth connection')).toHaveValue(/\d+/);

  // An address that names no integration is the not-found page, with its status.
  const response = await page.goto(`/settings/integrations/No_Such_${stamp}/mappings`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('a mapping overrides secret, bool and json values and switches between its own and the shared token', async ({ page }) => {
  test.setTimeout(90_000);
  const stamp = Date.now();
  const name = `Tokens_${stamp}`;
  const organization = `Litware ${stamp}`;
  const integration = await callServer(page, 'integrations/create', {
    draft: {
      name, description: '', entity_id_name: 'Tenant ID', default_entity_id: '',
      fields: [
        { id: null, key: 'api_key', field_type: 'secret', required: false, description: '' },
        { id: null, key: 'verbose', field_type: 'bool', required: false, description: '' },
        { id: null, key: 'custom', field_type: 'json', required: false, description: '' },
      ],
      confirm_field_removal: false, opened_at_version: null,
    },
    oauth: {
      kind: 'custom',
      draft: {
        name: `Tokens_Auth_${stamp}`, grant_type: 'authorization_code', authorization_url: `${issuer}/auth`,
        token_url: `${issuer}/token`, client_id: 'bifrost-e2e', client_secret: { Set: 'e2e-client-secret' },
        scopes: 'openid api.read', pkce: true, extra_parameters: '', audience: '', revocation_url: '', entity_id_source: '',
      },
    },
  });
  expect(integration.oauth_connection.name).toBe(`Tokens_Auth_${stamp}`);
  await createOrganization(page, organization);

  // Overrides of a secret, a bool and a json field; bad JSON is refused beside its field.
  const editor = await openAddMapping(page, name, String(stamp), organization);
  await editor.getByLabel('Tenant ID').fill('tenant-litware');
  await expect(editor.getByLabel('OAuth token')).toHaveValue('shared');
  for (const key of ['api_key', 'verbose', 'custom']) await editor.getByLabel(`Use default for ${key}`).uncheck();
  await editor.getByLabel('api_key', { exact: true }).fill('litware-secret-canary');
  await editor.getByLabel('verbose', { exact: true }).selectOption({ label: 'On' });
  await editor.getByLabel('custom', { exact: true }).fill('{"region": ');
  await editor.getByRole('button', { name: 'Save mapping' }).click();
  await expect(editor.getByText(/is not valid JSON: /)).toBeVisible();
  await editor.getByLabel('custom', { exact: true }).fill('{"region": "eu"}');
  await reloadsLive(page, () => editor.getByRole('button', { name: 'Save mapping' }).click());
  const row = page.getByRole('row').filter({ hasText: organization });
  await expect(row.getByRole('cell').nth(3)).toHaveText('3');
  await expect(row).toContainText('Shared token');

  await row.getByRole('button', { name: `Edit mapping of ${organization}` }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Mapping' });
  await expect(edit.getByLabel('verbose', { exact: true })).toHaveValue('true');
  await expect(edit.getByLabel('custom', { exact: true })).toHaveValue(/"region": "eu"/);
  await expect(edit.locator('.secret-status')).toHaveText('Set');
  await expect(edit.getByLabel('api_key', { exact: true }), 'the secret is never sent back').toHaveValue('');
  expect(await page.content()).not.toContain('litware-secret-canary');
  await edit.getByRole('button', { name: 'Cancel' }).click();

  // The organization's own token, from the row's Connect.
  await row.getByRole('button', { name: `Connect an OAuth token for ${organization}` }).click();
  await authorizeAtProvider(page, 'Continue');
  await page.waitForURL(/\/mappings\?oauth=connected$/);
  await waitForHydration(page);
  await expect(row).toContainText('Connected');

  // Edit: back to the shared token, then the organization's own token again.
  const chooseToken = async (label: string | RegExp) => {
    await row.getByRole('button', { name: `Edit mapping of ${organization}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Mapping' });
    const select = dialog.getByLabel('OAuth token');
    const option = select.locator('option', { hasText: label });
    await expect(option).toHaveCount(1);
    await select.selectOption((await option.getAttribute('value')) ?? '');
    await reloadsLive(page, () => dialog.getByRole('button', { name: 'Save mapping' }).click());
  };
  await chooseToken("Shared token (the integration's)");
  await expect(row).toContainText('Shared token');
  await expect(row).not.toContainText('Connected');
  await chooseToken(`${organization}'s own token (Connected)`);
  await expect(row).toContainText('Connected');
  await expect(row.getByRole('cell').nth(3), 'the overrides stay').toHaveText('3');
});

test('the Create Integration page keeps working without OAuth', async ({ page }) => {
  const name = `No_OAuth_${Date.now()}`;
  await openCreateIntegration(page, name);
  await expect(page.getByLabel('None', { exact: true })).toBeChecked();
  await page.getByRole('button', { name: 'Save integration' }).click();
  await expect(page).toHaveURL(new RegExp(`/settings/integrations/${name}/configuration\\?created=1$`));
  await followLink(page, page.getByRole('link', { name: 'OAuth', exact: true }));
  await expect(page.getByText('No OAuth connection is linked.')).toBeVisible();
});
