// The Dashboard's health centre: an integration whose shared token was never connected and a
// mapping without a required value are counted, listed under their kind with the field named,
// filtered by integration and organization, and link to where they are fixed.
// (Named to sort after integrations.spec.ts, which starts from an empty integration list.)
import { expect, test, waitForHydration } from './fixtures';
import { callServer, createOrganization, integrationWithConsent } from './workflow-support';

test('the health centre lists what needs attention and links to the fix', async ({ page }) => {
  const stamp = Date.now();
  const name = `Health_${stamp}`;
  const organization = `Proseware ${stamp}`;
  const integration = await integrationWithConsent(page, name,
    [{ id: null, key: 'site_id', field_type: 'string', required: true, description: '' }]);
  const organizationId = await createOrganization(page, organization);
  await callServer(page, 'mappings/create', {
    integration_id: integration.id,
    draft: { organization_id: organizationId, entity_id: 'tenant-proseware', entity_name: '', overrides: [] },
  });

  await page.goto('/');
  await waitForHydration(page);
  await page.getByLabel('Integration').fill(name);
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(new RegExp(`integration=${name}`));
  const counts = page.getByRole('navigation', { name: 'Health by kind' });
  await expect(counts.getByRole('link', { name: /Never connected/ })).toContainText('1');
  await expect(counts.getByRole('link', { name: /Needs reconnect/ })).toContainText('0');
  await expect(page.getByRole('heading', { level: 2, name: 'Needs reconnect' })).toBeVisible();
  await expect(page.getByText('Nothing here: all clear.')).toBeVisible();

  await counts.getByRole('link', { name: /Never connected/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Never connected' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: name })).toContainText(`${name}_Auth`);

  await counts.getByRole('link', { name: /Missing required values/ }).click();
  const row = page.getByRole('row').filter({ hasText: organization });
  await expect(row).toContainText('site_id');
  await expect(page.getByLabel('Integration'), 'the filter is kept').toHaveValue(name);

  // An organization filter that matches nothing empties the organization's lists.
  await page.getByLabel('Organization').fill(`Nobody ${stamp}`);
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByText('Nothing here: all clear.')).toBeVisible();
  await page.getByLabel('Organization').fill(organization);
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('row').filter({ hasText: organization }).getByRole('link', { name: 'Edit the mapping' }).click();
  await expect(page).toHaveURL(new RegExp(`/settings/integrations/${name}/mappings\\?search=`));
  await expect(page.getByRole('row').filter({ hasText: organization })).toContainText('Missing: site_id');

  // A window out of range is refused by name.
  await page.goto('/?window=0');
  await expect(page.getByText('window_days: must be a whole number of days from 1 to 90')).toBeVisible();
});
