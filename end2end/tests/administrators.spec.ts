import { expect, reloadsLive, test, waitForHydration } from './fixtures';

test('an administrator is added, signs in, changes their password, and is removed', async ({ page, browser }) => {
  const email = `ops${Date.now()}@example.com`;
  const first = 'first long password';
  const second = 'second long password';

  await page.goto('/settings/administrators');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Add administrator' }).click();
  const add = page.getByRole('dialog', { name: 'Add an administrator' });
  await expect(add.getByLabel('E-mail address'), 'the dialog takes focus').toBeFocused();
  await add.getByLabel('E-mail address').fill(email);
  await add.getByLabel('Password', { exact: true }).fill(first);
  await add.getByLabel('Confirm password').fill('not the same password');
  await add.getByRole('button', { name: 'Add administrator' }).click();
  await expect(add.getByText('does not match'), 'the server names the rule').toBeVisible();
  await expect(add.getByLabel('E-mail address'), 'what was typed is kept').toHaveValue(email);
  await add.getByLabel('Confirm password').fill(first);
  await reloadsLive(page, () => add.getByRole('button', { name: 'Add administrator' }).click());
  await expect(add, 'the dialog closes').toHaveCount(0);
  await expect(page.getByRole('status')).toContainText(`${email} can now sign in.`);
  await expect(page.getByRole('cell', { name: email, exact: true })).toBeVisible();

  // The new administrator signs in in a browser of their own and changes their password.
  const theirs = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const other = await theirs.newPage();
  await other.goto('/settings/administrators');
  await waitForHydration(other);
  await other.getByLabel('E-mail address').fill(email);
  await other.getByLabel('Password').fill(first);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other).toHaveURL(/\/settings\/administrators$/);
  await waitForHydration(other);
  const change = other.getByRole('region', { name: 'Change your password' });
  await change.getByLabel('Current password', { exact: true }).fill('wrong current password');
  await change.getByLabel('New password', { exact: true }).fill(second);
  await change.getByLabel('Confirm new password').fill(second);
  await change.getByRole('button', { name: 'Change password' }).click();
  await expect(change.getByText('is not your current password')).toBeVisible();
  await change.getByLabel('Current password', { exact: true }).fill(first);
  await change.getByRole('button', { name: 'Change password' }).click();
  await expect(change.getByRole('status')).toContainText('Your password is changed.');

  // Back in the first browser: remove them, after confirming.
  await page.getByRole('button', { name: `Remove ${email}` }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText(`Remove the administrator ${email}?`);
  await expect(confirm.getByRole('button', { name: 'Cancel' }), 'a destructive confirmation starts on Cancel').toBeFocused();
  await reloadsLive(page, () => confirm.getByRole('button', { name: 'Remove administrator' }).click());
  await expect(page.getByRole('cell', { name: email, exact: true })).toHaveCount(0);

  await other.reload();
  await expect(other, 'the removed administrator is signed out').toHaveURL(/\/login\?next=/);
  await theirs.close();
});
