import { execFileSync } from 'node:child_process';
import { adminStateFile, serverBin } from '../playwright.config';
import { ADMIN, expect, test, waitForHydration } from './fixtures';

/// The code the running server printed at start, as `bifrost setup-code` prints it again.
function printedSetupCode(): string {
  const env = { ...process.env, BIFROST_DATA_DIR: process.env.BIFROST_E2E_DATA_DIR, BIFROST_LOG: 'warn' };
  return execFileSync(serverBin, ['setup-code'], { env }).toString().trim();
}

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

  // Without the code the server printed, nobody gets the first administrator.
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Confirm password').fill(ADMIN.password);
  await page.getByLabel('Setup code').fill('AAAA-BBBB-CCCC');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page.getByText('is not the code the server printed')).toBeVisible();

  const code = printedSetupCode();
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await page.getByLabel('Setup code').fill(code);
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
