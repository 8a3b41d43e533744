// The Connect flow against the oidc-provider fixture, with its real login and consent pages:
// connect the shared token and come back Connected with the granted scopes, Refresh now, the
// provider unreachable and back (the tab shows the error, then recovers), deny consent and see
// the message, connect an organization-specific token from the Mappings tab
// (adopting the entity ID the provider reports), and Disconnect.
import { expect, followLink, reloadsLive, test, waitForHydration } from './fixtures';
import { authorizeAtProvider, issuer, openAddMapping } from './workflow-support';

test('an admin connects, refreshes, is denied, connects an organization and disconnects', async ({ page }) => {
  test.setTimeout(90_000);
  const stamp = Date.now();
  const connection = `E2E_${stamp}`;
  const integration = `Halo_OAuth_${stamp}`;
  const organization = `Contoso ${stamp}`;
  // The connection, on Settings > OAuth Connections.
  await page.goto('/settings/oauth');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'New connection' }).click();
  const form = page.getByRole('dialog', { name: 'New OAuth connection' });
  await form.getByLabel('Name').fill(connection);
  await form.getByLabel('Authorization URL').fill(`${issuer}/auth`);
  await form.getByLabel('Token URL').fill(`${issuer}/token`);
  await form.getByLabel('Client ID').fill('bifrost-e2e');
  await form.getByLabel('Client Secret').fill('e2e-client-secret');
  await form.getByLabel('Scopes').fill('openid offline_access api.read');
  await form.getByLabel('Extra authorization parameters').fill('prompt=consent');
  await form.getByLabel('Revocation URL').fill(`${issuer}/token/revocation`);
  await form.getByLabel('Entity ID from the provider').fill('id_token:sub');
  await reloadsLive(page, () => form.getByRole('button', { name: 'Save connection' }).click());
  await expect(form).toHaveCount(0);

  // An integration linked to it.
  await page.goto('/settings/integrations/new');
  await waitForHydration(page);
  await page.getByLabel('Name', { exact: true }).fill(integration);
  await page.getByLabel('Default Entity ID').fill('global-tenant');
  await page.getByRole('button', { name: 'Save integration' }).click();
  await expect(page.getByText('Integration created.')).toBeVisible();
  await waitForHydration(page);
  await followLink(page, page.getByRole('link', { name: 'OAuth', exact: true }));
  await page.getByLabel('Link an existing OAuth connection').selectOption({ label: connection });
  await reloadsLive(page, () => page.getByRole('button', { name: 'Save OAuth connection' }).click());
  const status = page.locator('.token-status');
  await expect(status).toHaveText('Not connected');

  // Connect: the provider's login and consent pages, then back Connected.
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await authorizeAtProvider(page, 'Continue');
  await page.waitForURL(/\/oauth\?oauth=connected$/);
  await waitForHydration(page);
  await expect(page.getByRole('status').filter({ hasText: 'Connected.' })).toBeVisible();
  await expect(status).toHaveText('Connected');
  await expect(page.locator('.granted-scopes')).toContainText('api.read');
  await expect(page.locator('.details')).toContainText('admin@example.com');

  // Refresh now.
  await expect(page.locator('.last-refresh')).toHaveText('never');
  await reloadsLive(page, () => page.getByRole('button', { name: 'Refresh now' }).click());
  await expect(page.locator('.last-refresh')).toHaveText(/UTC$/);

  // The provider unreachable (the token URL wrong): Refresh now keeps the token and the tab says
  // why; with the URL right again, Refresh now recovers at once.
  const setTokenUrl = async (url: string) => {
    await page.goto('/settings/oauth');
    await waitForHydration(page);
    await page.getByRole('button', { name: `Edit ${connection}` }).click();
    const editor = page.getByRole('dialog', { name: 'Edit OAuth connection' });
    await editor.getByLabel('Token URL').fill(url);
    await reloadsLive(page, () => editor.getByRole('button', { name: 'Save connection' }).click());
    await expect(editor).toHaveCount(0);
    await page.goto(`/settings/integrations/${integration}/oauth`);
    await waitForHydration(page);
  };
  await setTokenUrl('http://127.0.0.1:9/token');
  await reloadsLive(page, () => page.getByRole('button', { name: 'Refresh now' }).click());
  const providerError = page.locator('dd.error');
  await expect(providerError).toContainText('the provider is unavailable: cannot reach the provider');
  await expect(status).toHaveText('Connected');
  await setTokenUrl(`${issuer}/token`);
  await expect(providerError).toContainText('cannot reach the provider');
  await reloadsLive(page, () => page.getByRole('button', { name: 'Refresh now' }).click());
  await expect(providerError).toHaveCount(0);
  await expect(status).toHaveText('Connected');

  // Deny consent at the provider: a clear message, and the token is untouched.
  await page.getByRole('button', { name: 'Reconnect' }).click();
  await authorizeAtProvider(page, 'Cancel');
  await page.waitForURL(/oauth_error=denied/);
  await waitForHydration(page);
  await expect(page.getByRole('alert')).toContainText('Authorization was denied at the provider (access_denied). Nothing was changed.');
  await expect(status).toHaveText('Connected');

  // An organization-specific token from the Mappings tab.
  await page.goto('/settings/organizations');
  await waitForHydration(page);
  await page.getByLabel('New organization').fill(organization);
  await reloadsLive(page, () => page.getByRole('button', { name: 'Create organization' }).click());
  await expect(page.getByRole('cell', { name: organization, exact: true })).toBeVisible();
  const editor = await openAddMapping(page, integration, String(stamp), organization);
  await editor.getByLabel('Entity ID').fill('tenant-contoso');
  await reloadsLive(page, () => editor.getByRole('button', { name: 'Save mapping' }).click());
  await expect(editor).toHaveCount(0);
  const row = page.getByRole('row').filter({ hasText: organization });
  await expect(row).toContainText('Shared token');
  await row.getByRole('button', { name: `Connect an OAuth token for ${organization}` }).click();
  await authorizeAtProvider(page, 'Continue');
  await page.waitForURL(/\/mappings\?oauth=connected$/);
  await waitForHydration(page);
  const connectedRow = page.getByRole('row').filter({ hasText: organization });
  await expect(connectedRow).toContainText('Connected');
  // The provider's ID token names the account (sub): offered as the entity ID, adopted on request.
  await expect(connectedRow).toContainText('The provider reports admin@example.com');
  await reloadsLive(page, () => connectedRow.getByRole('button', { name: `Use admin@example.com as the entity ID of ${organization}` }).click());
  await expect(connectedRow.getByRole('cell').nth(1)).toHaveText('admin@example.com');
  await expect(connectedRow).not.toContainText('The provider reports');

  // Disconnect the shared token.
  await followLink(page, page.getByRole('link', { name: 'OAuth', exact: true }));
  await page.getByRole('button', { name: 'Disconnect' }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await reloadsLive(page, () => confirm.getByRole('button', { name: 'Disconnect' }).click());
  await expect(status).toHaveText('Disconnected');
  await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeVisible();

  // The client secret never reaches a page.
  await page.goto(`/settings/integrations/${integration}/oauth`);
  expect(await page.content()).not.toContain('e2e-client-secret');
});

test('a callback with an unknown state lands on a clear page and changes nothing', async ({ page }) => {
  const response = await page.goto('/oauth/callback/E2E?code=forged&state=not-a-real-state');
  expect(response?.status()).toBe(400);
  await expect(page.getByRole('heading', { name: 'Connecting failed' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('unknown or was already used');
});

test('a connection configured inline gets a client-credentials token and Test Connection calls the API', async ({ page }) => {
  const stamp = Date.now();
  const integration = `CC_${stamp}`;
  const connection = `CC_Auth_${stamp}`;
  await page.goto('/settings/integrations/new');
  await waitForHydration(page);
  await page.getByLabel('Name', { exact: true }).fill(integration);
  await page.getByRole('button', { name: 'Add field' }).click();
  await page.locator('.schema-row').last().getByLabel('Key').fill('base_url');
  await page.getByRole('button', { name: 'Save integration' }).click();
  await expect(page.getByText('Integration created.')).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel('base_url').fill(issuer);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Defaults saved.')).toBeVisible();

  // Configure the connection inline: it is created and linked in one go.
  await followLink(page, page.getByRole('link', { name: 'OAuth', exact: true }));
  await page.getByRole('button', { name: 'Configure a new connection' }).click();
  const form = page.getByRole('dialog', { name: 'New OAuth connection' });
  await expect(form.getByLabel('Name')).toBeFocused();
  await form.getByLabel('Name').fill(connection);
  await form.getByLabel('Grant Type').selectOption('client_credentials');
  await form.getByLabel('Token URL').fill(`${issuer}/token`);
  await form.getByLabel('Client ID').fill('bifrost-e2e');
  await form.getByLabel('Client Secret').fill('e2e-client-secret');
  await form.getByLabel('Scopes').fill('api.read');
  await reloadsLive(page, () => form.getByRole('button', { name: 'Save connection' }).click());
  await expect(form).toHaveCount(0);
  await expect(page.locator('.details')).toContainText(connection);
  await expect(page.locator('.token-status')).toHaveText('Not connected');

  // Client credentials need no browser round trip: Get token fetches one now.
  await page.getByRole('button', { name: 'Get token' }).click();
  await page.waitForURL(/\/oauth\?oauth=connected$/);
  await waitForHydration(page);
  await expect(page.locator('.token-status')).toHaveText('Connected');
  await expect(page.locator('.granted-scopes')).toContainText('api.read');

  // Test Connection: a GET of base_url + path with the token; status, timing and the body.
  await page.getByLabel('Path').fill('/.well-known/openid-configuration');
  await page.getByRole('button', { name: 'Test connection' }).click();
  const result = page.locator('.test-result');
  await expect(result).toContainText('HTTP 200');
  await expect(result).toContainText(`GET ${issuer}/.well-known/openid-configuration`);
  await expect(result.locator('pre')).toContainText('"issuer"');
  await page.getByLabel('Path').fill('https://elsewhere.example/');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('alert')).toContainText('is a path under base_url');
});
