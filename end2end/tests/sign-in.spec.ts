import { ADMIN, expect, test, waitForHydration } from './fixtures';

// These tests start signed out: a fresh browser without the administrator's session.
test.use({ storageState: { cookies: [], origins: [] } });

test('a wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('E-mail address').fill(ADMIN.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('the e-mail address or the password is wrong')).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test('signing in returns to the page asked for, and signing out ends the session', async ({ page }) => {
  await page.goto('/settings/organizations');
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings%2Forganizations$/);
  await waitForHydration(page);
  await page.getByLabel('E-mail address').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/settings\/organizations$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Organizations' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/settings/organizations');
  await expect(page, 'the old session no longer works').toHaveURL(/\/login\?next=/);
});
