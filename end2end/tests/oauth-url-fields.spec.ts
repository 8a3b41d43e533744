// An OAuth connection whose authorization URL names a config field ({login_hint}): Connect on a
// mapping fills it from that organization's override and goes to the provider with it; an
// organization without a value gets an error naming the field, and nothing is started.
import type { Page } from '@playwright/test';
import { expect, reloadsLive, test, waitForHydration } from './fixtures';
import { authorizeAtProvider, createOrganization, integrationWithConsent, issuer, openAddMapping } from './workflow-support';

async function addMapping(page: Page, integration: string, organization: string, entityId: string, loginHint?: string) {
  const editor = await openAddMapping(page, integration, organization, organization);
  await editor.getByLabel('Entity ID').fill(entityId);
  if (loginHint) {
    await editor.getByLabel('Use default for login_hint').uncheck();
    await editor.getByLabel('login_hint', { exact: true }).fill(loginHint);
  }
  await reloadsLive(page, () => editor.getByRole('button', { name: 'Save mapping' }).click());
  await expect(editor).toHaveCount(0);
}

test('Connect fills an OAuth URL field from the organization and names a missing one', async ({ page }) => {
  test.setTimeout(90_000);
  const stamp = Date.now();
  const name = `Url_Fields_${stamp}`;
  const [hinted, unhinted] = [`Northwind ${stamp}`, `Tailspin ${stamp}`];
  await integrationWithConsent(page, name,
    [{ id: null, key: 'login_hint', field_type: 'string', required: false, description: '' }],
    `${issuer}/auth?login_hint={login_hint}`);
  for (const organization of [hinted, unhinted]) await createOrganization(page, organization);
  await addMapping(page, name, hinted, 'tenant-northwind', 'northwind-admin@example.com');
  await addMapping(page, name, unhinted, 'tenant-tailspin');

  // Without a value for the organization, Connect names the field and goes nowhere.
  const unhintedRow = page.getByRole('row').filter({ hasText: unhinted });
  await unhintedRow.getByRole('button', { name: `Connect an OAuth token for ${unhinted}` }).click();
  await expect(page.getByRole('alert')).toContainText('login_hint: needs a value for login_hint');
  expect(new URL(page.url()).origin).not.toBe(issuer);

  // With the organization's value, the provider is asked with it, and the token comes back.
  const authorize = page.waitForRequest((request) => request.url().startsWith(`${issuer}/auth?`));
  const row = page.getByRole('row').filter({ hasText: hinted });
  await row.getByRole('button', { name: `Connect an OAuth token for ${hinted}` }).click();
  const asked = new URL((await authorize).url());
  expect(asked.searchParams.get('login_hint')).toBe('northwind-admin@example.com');
  await authorizeAtProvider(page, 'Continue');
  await page.waitForURL(/\/mappings\?oauth=connected$/);
  await waitForHydration(page);
  await expect(page.getByRole('row').filter({ hasText: hinted })).toContainText('Connected');
});
