import { ADMIN, expect, followLink, reloadsLive, test, waitForHydration } from './fixtures';

test('an organization is created, renamed and deleted, and each change is in the audit log', async ({ page }) => {
  const name = `Contoso ${Date.now()}`;
  await page.goto('/settings/organizations');
  await waitForHydration(page);

  const provider = page.getByRole('row').filter({ has: page.getByLabel('Provider organization') });
  await expect(provider).toHaveCount(1);
  await expect(provider.getByRole('button', { name: /^Delete/ }), 'the provider cannot be deleted').toHaveCount(0);

  await page.getByLabel('New organization').fill(name);
  await reloadsLive(page, () => page.getByRole('button', { name: 'Create organization' }).click());
  await expect(page.getByRole('cell', { name, exact: true })).toBeVisible();
  await expect(page.getByLabel('New organization')).toHaveValue('');

  await page.getByLabel('New organization').fill(name.toUpperCase());
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page.getByText('an organization with this name already exists')).toBeVisible();
  await expect(page.getByLabel('New organization'), 'the input is kept').toHaveValue(name.toUpperCase());

  await page.getByRole('button', { name: `Rename ${name}` }).click();
  const rename = page.getByRole('dialog', { name: `Rename ${name}` });
  await expect(rename.getByLabel('New name'), 'the dialog takes focus, with the current name').toBeFocused();
  await expect(rename.getByLabel('New name')).toHaveValue(name);
  await rename.getByLabel('New name').fill('');
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(rename.getByText('is required')).toBeVisible();
  await rename.getByLabel('New name').fill(`${name} Ltd`);
  await reloadsLive(page, () => rename.getByRole('button', { name: 'Save' }).click());
  await expect(page.getByRole('cell', { name: `${name} Ltd`, exact: true })).toBeVisible();

  await page.getByRole('button', { name: `Delete ${name} Ltd` }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText(`Delete the organization “${name} Ltd”?`);
  await expect(dialog).toContainText('It has no integration mappings.');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('cell', { name: `${name} Ltd`, exact: true }), 'cancel keeps it').toBeVisible();

  await page.getByRole('button', { name: `Delete ${name} Ltd` }).click();
  await reloadsLive(page, () => page.getByRole('alertdialog').getByRole('button', { name: 'Delete organization' }).click());
  await expect(page.getByRole('cell', { name: `${name} Ltd`, exact: true })).toHaveCount(0);

  await followLink(page, page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit Log' }));
  await expect(page.getByRole('heading', { level: 1, name: 'Audit Log' })).toBeVisible();
  await page.getByLabel('Object').fill(name);
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/object=/);
  const rows = page.locator('table.audit-table tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('organization.delete');
  await expect(rows.nth(1)).toContainText('organization.rename');
  await expect(rows.nth(1)).toContainText(`${name} Ltd`);
  await expect(rows.nth(2)).toContainText('organization.create');
  for (const index of [0, 1, 2]) await expect(rows.nth(index)).toContainText(ADMIN.email);
});

test('the organization list is searched on the server', async ({ page }) => {
  const tag = `Srch${Date.now()}`;
  await page.goto('/settings/organizations');
  await waitForHydration(page);
  for (const suffix of ['Alpha', 'Beta']) {
    await page.getByLabel('New organization').fill(`${tag} ${suffix}`);
    await reloadsLive(page, () => page.getByRole('button', { name: 'Create organization' }).click());
    await expect(page.getByRole('cell', { name: `${tag} ${suffix}`, exact: true })).toBeVisible();
  }
  await page.getByLabel('Search organizations').fill(`${tag} beta`);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=/);
  await expect(page.getByRole('cell', { name: `${tag} Beta`, exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: `${tag} Alpha`, exact: true })).toHaveCount(0);

  await page.getByLabel('Search organizations').fill('no such organization anywhere');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('No organization matches “no such organization anywhere”.')).toBeVisible();
});
