import { test, expect, waitForHydration } from './fixtures';

test('the dashboard hydrates and a button calls a server function', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Bifrost Integrations' })).toBeVisible();
  await waitForHydration(page);

  const status = page.getByRole('status');
  await expect(status).toBeEmpty();
  await page.getByRole('button', { name: 'Check server status' }).click();
  await expect(status).toContainText('SQLite reachable');
  await expect(status).toContainText('Schema version');
});

test('the Settings navigation reaches every settings page', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  const nav = page.getByRole('navigation', { name: 'Settings' });
  for (const title of ['Integrations', 'OAuth Connections', 'Organizations', 'API Keys', 'Audit Log', 'Administrators', 'Two-factor sign-in']) {
    await nav.getByRole('link', { name: title, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await expect(nav.getByRole('link', { name: title, exact: true })).toHaveAttribute('aria-current', 'page');
  }
});

test('the stylesheet is served and applied', async ({ page }) => {
  await page.goto('/settings/integrations');
  const header = page.locator('header.app-header');
  await expect(header).toHaveCSS('display', 'flex');
});

test('an unknown address shows a not-found page', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});
