// Settings > OAuth Connections: create, edit and delete a connection; the client secret is
// write-only and the redirect URI is shown exactly, with a copy button.
import { expect, followLink, reloadsLive, test, waitForHydration } from './fixtures';

test('an OAuth connection is created with a write-only secret, edited and deleted', async ({ page, context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const secret = `oauth-client-secret-${Date.now()}`;
  const bodies: string[] = [];
  page.on('response', async (response) => {
    if (new URL(response.url()).pathname.startsWith('/pkg/')) return;
    try {
      bodies.push(await response.text());
    } catch {
      // Redirects have no body.
    }
  });
  const name = `Graph_${Date.now()}`;

  await page.goto('/settings/oauth');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'New connection' }).click();
  const form = page.getByRole('dialog', { name: 'New OAuth connection' });
  await expect(form.getByLabel('Name'), 'the form takes focus').toBeFocused();
  await expect(form.getByLabel('PKCE (S256)'), 'PKCE is on by default').toBeChecked();
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Authorization URL').fill('https://login.example.com/{entity_id}/oauth2/v2.0/authorize');
  await form.getByLabel('Token URL').fill('http://login.example.com/{entity_id}/oauth2/v2.0/token');
  await form.getByLabel('Client Secret').fill(secret);
  await form.getByLabel('Scopes').fill('openid offline_access User.Read');
  await form.getByLabel('Extra authorization parameters').fill('prompt=consent\nstate=mine');
  await form.getByRole('button', { name: 'Save connection' }).click();
  await expect(form.getByText('must use https')).toBeVisible();
  await expect(form.getByText('“state” is set by Bifrost itself')).toBeVisible();
  await expect(form.getByText('is required')).toBeVisible();
  await form.getByLabel('Token URL').fill('https://login.example.com/{entity_id}/oauth2/v2.0/token');
  await form.getByLabel('Extra authorization parameters').fill('prompt=consent');
  await form.getByLabel('Client ID').fill('00000000-app-id');
  await reloadsLive(page, () => form.getByRole('button', { name: 'Save connection' }).click());
  await expect(form).toHaveCount(0);

  const card = page.getByRole('region', { name });
  const redirectUri = `${baseURL}/oauth/callback/${name}`;
  await expect(card).toContainText(redirectUri);
  await expect(card).toContainText('Authorization code');
  await expect(card.getByText('Set', { exact: true })).toBeVisible();
  await card.getByRole('button', { name: `Copy the redirect URI of ${name}` }).click();
  await expect(card.getByText('Copied')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(redirectUri);

  await card.getByRole('button', { name: `Edit ${name}` }).click();
  const edit = page.getByRole('dialog', { name: 'Edit OAuth connection' });
  await expect(edit.getByLabel('Client Secret', { exact: true }), 'the secret never comes back').toHaveValue('');
  await expect(edit.getByText('A secret is set; type a new one to replace it.')).toBeVisible();
  await expect(edit.getByLabel('Scopes')).toHaveValue('openid offline_access User.Read');
  await edit.getByLabel('Scopes').fill('openid offline_access');
  await reloadsLive(page, () => edit.getByRole('button', { name: 'Save connection' }).click());
  await expect(edit).toHaveCount(0);
  await expect(card).toContainText('openid offline_access');
  await expect(card.getByText('Set', { exact: true }), 'an edit keeps the secret').toBeVisible();

  await card.getByRole('button', { name: `Delete ${name}` }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await reloadsLive(page, () => confirm.getByRole('button', { name: 'Delete connection' }).click());
  await expect(page.getByRole('region', { name })).toHaveCount(0);

  expect(bodies.length).toBeGreaterThan(5);
  expect(bodies.filter((body) => body.includes(secret)), 'no response carries the client secret').toEqual([]);
});

test('an integration links an existing OAuth connection on its OAuth tab', async ({ page }) => {
  const stamp = Date.now();
  const connection = `Halo_Auth_${stamp}`;
  const integration = `Halo_${stamp}`;
  await page.goto('/settings/oauth');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'New connection' }).click();
  const form = page.getByRole('dialog', { name: 'New OAuth connection' });
  await form.getByLabel('Name').fill(connection);
  await form.getByLabel('Grant Type').selectOption('client_credentials');
  await form.getByLabel('Token URL').fill('https://halo.example.com/auth/token');
  await form.getByLabel('Client ID').fill('halo-client');
  await reloadsLive(page, () => form.getByRole('button', { name: 'Save connection' }).click());
  await expect(page.getByRole('region', { name: connection })).toContainText('Client credentials');

  await page.goto('/settings/integrations/new');
  await waitForHydration(page);
  await page.getByLabel('Name', { exact: true }).fill(integration);
  await page.getByRole('button', { name: 'Save integration' }).click();
  await expect(page.getByText('Integration created.')).toBeVisible();
  await waitForHydration(page);
  await followLink(page, page.getByRole('link', { name: 'OAuth', exact: true }));
  await expect(page.getByText('No OAuth connection is linked.')).toBeVisible();
  await page.getByLabel('Link an existing OAuth connection').selectOption({ label: connection });
  await reloadsLive(page, () => page.getByRole('button', { name: 'Save OAuth connection' }).click());
  await expect(page.locator('.details')).toContainText(connection);
  await expect(page.locator('.details')).toContainText('Not connected');

  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Integrations' }).click();
  await expect(page.getByRole('row').filter({ hasText: integration })).toContainText(`${connection} · Not connected`);
});
