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

test('a sign-in posted before the page is live comes back with the error, and that page hydrates', async ({ browser, page }) => {
  // Without scripts the form posts natively, and the server sends the browser back with the
  // error in the address.
  const noScripts = await browser.newContext({ javaScriptEnabled: false, storageState: { cookies: [], origins: [] } });
  const plain = await noScripts.newPage();
  await plain.goto('/login');
  await plain.getByLabel('E-mail address').fill(ADMIN.email);
  await plain.getByLabel('Password').fill('not the password either');
  await plain.getByRole('button', { name: 'Sign in' }).click();
  await expect(plain).toHaveURL(/\/login\?.*__err=/);
  await expect(plain.getByText('the e-mail address or the password is wrong')).toBeVisible();
  const returned = plain.url();
  await noScripts.close();

  // The same address with scripts: the island shows the same error as the server rendered (the
  // fixture fails the test on a hydration error), and signing in works from there.
  await page.goto(returned);
  await waitForHydration(page);
  await expect(page.getByText('the e-mail address or the password is wrong')).toBeVisible();
  await page.getByLabel('E-mail address').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
});
