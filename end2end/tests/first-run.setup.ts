import { adminStateFile } from '../playwright.config';
import { ADMIN, expect, test, waitForHydration } from './fixtures';

test('first-run setup validates the form and creates the administrator', async ({ page }) => {
  await page.goto('/settings/integrations');
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole('heading', { name: 'Welcome to Bifrost Integrations' })).toBeVisible();
  await waitForHydration(page);

  await page.getByLabel('E-mail address').fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill('too short');
  await page.getByLabel('Confirm password').fill('too short');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page.getByText('must be at least 12 characters')).toBeVisible();
  await expect(page.getByLabel('E-mail address'), 'input is kept').toHaveValue(ADMIN.email);

  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Confirm password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expect(page.locator('header')).toContainText(ADMIN.email);

  await page.goto('/setup');
  await expect(page, 'setup is gone once an administrator exists').toHaveURL(/\/$/);
  await page.context().storageState({ path: adminStateFile });
});
