// A consent link: the admin creates one on a mapping (a bad lifetime is refused beside its
// field), a second browser with no session opens it, sees who asks and for what, consents at
// the OAuth fixture and is told it worked; the mapping then shows the organization's own token
// and the link is used. A revoked link is refused with a clear page.
// (Named to sort after integrations.spec.ts, which starts from an empty integration list.)
import { expect, test, waitForHydration } from './fixtures';
import { authorizeAtProvider, callServer, createOrganization, integrationWithConsent } from './workflow-support';

test('a customer consents through a link without an account, once', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const stamp = Date.now();
  const name = `Consent_${stamp}`;
  const organization = `Woodgrove ${stamp}`;
  const integration = await integrationWithConsent(page, name);
  const organizationId = await createOrganization(page, organization);
  await callServer(page, 'mappings/create', {
    integration_id: integration.id,
    draft: { organization_id: organizationId, entity_id: 'tenant-woodgrove', entity_name: organization, overrides: [] },
  });

  // The admin creates the link on the mapping; a lifetime out of range is refused first.
  await page.goto(`/settings/integrations/${name}/mappings`);
  await waitForHydration(page);
  const row = page.getByRole('row').filter({ hasText: organization });
  await expect(row).toContainText('Shared token');
  await row.getByRole('button', { name: `Consent links for ${organization}` }).click();
  const panel = page.locator('section.consent-links');
  await expect(panel.getByRole('heading', { name: `Consent links for ${organization}` })).toBeVisible();
  await expect(panel.getByText('No consent links yet.')).toBeVisible();
  const days = panel.getByLabel('Expires after (days)');
  await expect(days).toHaveValue('7');
  await days.fill('45');
  await panel.getByRole('button', { name: 'Create consent link' }).click();
  await expect(panel.locator('#consent-days-message .field-error')).toHaveText('must be a whole number of days from 1 to 30');
  await days.fill('3');
  await panel.getByRole('button', { name: 'Create consent link' }).click();
  const address = panel.getByRole('textbox', { name: 'Consent link' });
  await expect(address).toHaveValue(/\/consent\/[A-Za-z0-9_-]{43}$/);
  const link = await address.inputValue();
  await expect(panel.locator('.consent-link-list tbody tr')).toHaveCount(1);
  await expect(panel.locator('.consent-link-list')).toContainText('Open');

  // The customer: another browser, no session.
  const customer = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const customerPage = await customer.newPage();
  await customerPage.goto(link);
  await expect(customerPage.getByRole('heading', { name: 'Connect your account' })).toBeVisible();
  await expect(customerPage.locator('main')).toContainText(`connect ${name} for ${organization}`);
  await expect(customerPage.locator('ul.scopes')).toContainText('api.read');
  await customerPage.getByRole('button', { name: /^Continue to / }).click();
  await authorizeAtProvider(customerPage, 'Continue');
  await customerPage.waitForURL(/\/oauth\/callback\//);
  await expect(customerPage.getByRole('status')).toContainText(`can now use ${name} for ${organization}`);
  await customerPage.goto(link);
  await expect(customerPage.getByRole('alert')).toContainText('already used');
  await customerPage.goto(`${new URL(link).origin}/settings/integrations`);
  await expect(customerPage, 'the link opened nothing else').toHaveURL(/\/login(\?|$)/);

  // The mapping now has the organization's own token, and the link is used.
  await page.reload();
  await waitForHydration(page);
  await expect(row).toContainText('Connected');
  await expect(row).not.toContainText('Shared token');
  await row.getByRole('button', { name: `Consent links for ${organization}` }).click();
  await expect(panel.locator('.consent-link-list')).toContainText('Used');

  // A second link, revoked after a confirmation: the customer gets a clear page.
  await panel.getByRole('button', { name: 'Create consent link' }).click();
  const revoked = await panel.getByRole('textbox', { name: 'Consent link' }).inputValue();
  expect(revoked).not.toBe(link);
  await panel.getByRole('button', { name: /^Revoke the consent link created / }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Revoke link' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(panel.locator('.consent-link-list')).toContainText('Revoked');
  await customerPage.goto(revoked);
  await expect(customerPage.getByRole('alert')).toContainText('withdrawn');
  await customer.close();
});
