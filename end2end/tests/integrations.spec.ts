// Settings > Integrations as an admin uses it: create an integration with a typed schema, set
// its defaults, map organizations with overrides, edit and delete mappings, and never see a
// secret value come back from the server.
import type { Page } from '@playwright/test';
import { expect, followLink, reloadsLive, test, waitForHydration } from './fixtures';

const SECRET = `sk-canary-${Date.now()}-do-not-leak`;

/** Every document and server-function answer the browser receives, for the secret check. */
function recordBodies(page: Page): string[] {
  const bodies: string[] = [];
  page.on('response', async (response) => {
    const path = new URL(response.url()).pathname;
    if (path.startsWith('/pkg/')) return;
    try {
      bodies.push(`${path}\n${await response.text()}`);
    } catch {
      // Redirects have no body.
    }
  });
  return bodies;
}

async function createOrganization(page: Page, name: string) {
  await page.goto('/settings/organizations');
  await waitForHydration(page);
  await page.getByLabel('New organization').fill(name);
  await reloadsLive(page, () => page.getByRole('button', { name: 'Create organization' }).click());
  await expect(page.getByRole('cell', { name, exact: true })).toBeVisible();
}

async function addSchemaField(page: Page, key: string, type: string, required = false) {
  await page.getByRole('button', { name: 'Add field' }).click();
  const row = page.locator('.schema-row').last();
  await row.getByLabel('Key').fill(key);
  await row.getByLabel('Type').selectOption(type);
  if (required) await row.getByLabel('Required').check();
}

test('an integration is created, configured and mapped, and its secret never reaches the browser', async ({ page }) => {
  const bodies = recordBodies(page);
  const stamp = Date.now();
  const northwind = `Northwind ${stamp}`;
  const fabrikam = `Fabrikam ${stamp}`;
  await createOrganization(page, northwind);
  await createOrganization(page, fabrikam);

  await page.goto('/settings/integrations');
  await waitForHydration(page);
  await expect(page.getByText('No integrations yet.')).toBeVisible();
  await followLink(page, page.getByRole('link', { name: 'Create Integration' }).first());
  await expect(page.getByRole('heading', { level: 1, name: 'Create Integration' })).toBeVisible();

  await page.getByLabel('Name', { exact: true }).fill('HaloPSA');
  await page.getByLabel('Description').fill('HaloPSA tickets and customers');
  await page.getByLabel('Entity ID Name').fill('Tenant ID');
  await page.getByLabel('Default Entity ID').fill('common');
  await addSchemaField(page, 'Base URL', 'string', true);
  await addSchemaField(page, 'timeout', 'int');
  await addSchemaField(page, 'verbose', 'bool');
  await addSchemaField(page, 'custom', 'json');
  await addSchemaField(page, 'api_key', 'secret');
  await page.getByRole('button', { name: 'Save integration' }).click();
  await expect(page.getByText('"Base URL" must start with a lower-case letter')).toBeVisible();
  await expect(page.locator('.schema-row'), 'nothing typed is lost').toHaveCount(5);
  await page.locator('.schema-row').first().getByLabel('Key').fill('base_url');
  await page.getByRole('button', { name: 'Save integration' }).click();

  await expect(page).toHaveURL(/\/settings\/integrations\/HaloPSA\/configuration/);
  await expect(page.getByText('Integration created.')).toBeVisible();
  await waitForHydration(page);
  await expect(page.getByRole('link', { name: 'Configuration' })).toHaveAttribute('aria-current', 'page');

  // Defaults: a bad int and bad JSON are refused by the server with the rule, and nothing is saved.
  await page.getByLabel('base_url').fill('https://halo.example.com');
  await page.getByLabel('timeout').fill('abc');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('"abc" is not a whole number')).toBeVisible();
  await expect(page.getByText('Nothing was saved')).toBeVisible();
  await expect(page.getByLabel('base_url'), 'the other input is kept').toHaveValue('https://halo.example.com');
  await page.getByLabel('timeout').fill('30');
  await page.getByLabel('custom').fill('{"region": "eu",');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText(/is not valid JSON: .* at line 1, column \d+/)).toBeVisible();
  await page.getByLabel('custom').fill('{"region": "eu"}');
  await page.getByLabel('verbose').selectOption({ label: 'On' });
  await expect(page.getByLabel('Clear api_key'), 'nothing to clear before a secret is set').toHaveCount(0);
  await page.getByLabel('api_key', { exact: true }).fill(SECRET);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Defaults saved.')).toBeVisible();

  await page.reload();
  await waitForHydration(page);
  await expect(page.getByLabel('base_url')).toHaveValue('https://halo.example.com');
  await expect(page.getByLabel('timeout')).toHaveValue('30');
  await expect(page.getByLabel('verbose')).toHaveValue('true');
  await expect(page.getByLabel('custom')).toHaveValue(/"region": "eu"/);
  await expect(page.locator('.secret-status')).toHaveText('Set');
  await expect(page.getByLabel('api_key', { exact: true }), 'the secret is never sent back').toHaveValue('');
  await expect(page.getByText('A secret is set; type a new one to replace it.')).toBeVisible();

  // Clear removes the secret; an empty input on a later save keeps a new one.
  const save = () => page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByLabel('Clear api_key').check();
  await reloadsLive(page, save);
  await expect(page.getByText('Defaults saved.')).toBeVisible();
  await expect(page.locator('.secret-status')).toHaveText('Not set');
  await expect(page.getByLabel('timeout'), 'the other values stay').toHaveValue('30');
  await page.getByLabel('api_key', { exact: true }).fill(SECRET);
  await reloadsLive(page, save);
  await expect(page.locator('.secret-status')).toHaveText('Set');
  await page.getByLabel('timeout').fill('45');
  await reloadsLive(page, save);
  await expect(page.getByLabel('timeout')).toHaveValue('45');
  await expect(page.locator('.secret-status'), 'an empty secret input keeps the secret').toHaveText('Set');

  // Duplicate names are refused in any case.
  await page.goto('/settings/integrations/new');
  await waitForHydration(page);
  await page.getByLabel('Name', { exact: true }).fill('halopsa');
  await page.getByRole('button', { name: 'Save integration' }).click();
  await expect(page.getByText('an integration with this name already exists')).toBeVisible();

  // Mappings: two organizations, different tenants, one override.
  const editorCode: string[] = [];
  page.on('request', (request) => {
    if (/\/split_mapping_editor_[^/]*\.wasm$/.test(request.url())) editorCode.push(request.url());
  });
  await page.goto('/settings/integrations/HaloPSA/mappings');
  await waitForHydration(page);
  await expect(page.getByText('No organization is mapped yet.')).toBeVisible();
  expect(editorCode, 'the editor is not part of the first load').toEqual([]);
  const editor = page.getByRole('dialog', { name: 'Add Mapping' });
  await page.getByRole('button', { name: 'Add Mapping' }).click();
  await expect(editor.getByLabel('Find organization'), 'the dialog takes focus').toBeFocused();
  expect(editorCode, 'the editor\'s code arrives when it first opens').toHaveLength(1);
  await page.keyboard.press('Escape');
  await expect(editor, 'Escape closes the dialog').toHaveCount(0);
  await page.getByRole('button', { name: 'Add Mapping' }).click();
  await editor.getByLabel('Find organization').fill(String(stamp));
  await editor.getByLabel('Organization', { exact: true }).selectOption({ label: northwind });
  await editor.getByRole('button', { name: 'Save mapping' }).click();
  await expect(editor.getByText('is required')).toBeVisible();
  await editor.getByLabel('Tenant ID').fill('tenant-north');
  await reloadsLive(page, () => editor.getByRole('button', { name: 'Save mapping' }).click());
  await expect(editor).toHaveCount(0);
  const northRow = page.getByRole('row').filter({ hasText: northwind });
  await expect(northRow).toContainText('tenant-north');
  await expect(northRow).toContainText('Complete');

  await page.getByRole('button', { name: 'Add Mapping' }).click();
  await editor.getByLabel('Find organization').fill(String(stamp));
  await expect(editor.getByLabel('Organization', { exact: true }).locator('option', { hasText: northwind }), 'mapped once').toHaveCount(0);
  await editor.getByLabel('Organization', { exact: true }).selectOption({ label: fabrikam });
  await editor.getByLabel('Tenant ID').fill('tenant-fab');
  await editor.getByLabel('Use default for timeout').uncheck();
  await editor.getByLabel('timeout', { exact: true }).fill('x9');
  await editor.getByRole('button', { name: 'Save mapping' }).click();
  await expect(editor.getByText('"x9" is not a whole number')).toBeVisible();
  await editor.getByLabel('timeout', { exact: true }).fill('90');
  await reloadsLive(page, () => editor.getByRole('button', { name: 'Save mapping' }).click());
  await expect(editor).toHaveCount(0);
  const fabRow = page.getByRole('row').filter({ hasText: fabrikam });
  await expect(fabRow).toContainText('tenant-fab');
  await expect(fabRow.getByRole('cell').nth(3)).toHaveText('1');

  // The merged values: Fabrikam's own timeout, the defaults for everything else.
  await page.getByRole('button', { name: `Edit mapping of ${fabrikam}` }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Mapping' });
  await expect(edit.getByLabel('timeout', { exact: true })).toHaveValue('90');
  await expect(edit.getByLabel('Use default for timeout')).not.toBeChecked();
  await expect(edit.getByLabel('Use default for base_url')).toBeChecked();
  await expect(edit.getByText('Default: https://halo.example.com')).toBeVisible();
  await expect(edit.getByText('Default: a secret is set.')).toBeVisible();
  await edit.getByLabel('Tenant ID').fill('tenant-fab-2');
  await reloadsLive(page, () => edit.getByRole('button', { name: 'Save mapping' }).click());
  await expect(edit).toHaveCount(0);
  await expect(fabRow).toContainText('tenant-fab-2');

  await page.getByRole('button', { name: `Delete mapping of ${northwind}` }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm.getByRole('button', { name: 'Cancel' }), 'a destructive confirmation starts on Cancel').toBeFocused();
  await expect(confirm).toContainText(`Delete the mapping of “${northwind}”?`);
  await reloadsLive(page, () => confirm.getByRole('button', { name: 'Delete mapping' }).click());
  await expect(page.getByRole('row').filter({ hasText: northwind })).toHaveCount(0);
  await expect(fabRow).toBeVisible();
  const unmapped = page.getByRole('region', { name: 'Unmapped organizations' });
  await expect(unmapped.getByRole('button', { name: `Map ${northwind}` }), 'an unmapped organization is listed').toBeVisible();
  await expect(unmapped, 'what each kind of key gets for an unmapped organization').toContainText(
    'Their own API keys get “not configured” for this integration; provider keys asking for them get the defaults',
  );
  await expect(unmapped.getByRole('button', { name: `Map ${fabrikam}` })).toHaveCount(0);
  await unmapped.getByRole('button', { name: `Map ${northwind}` }).click();
  const mapAgain = page.getByRole('dialog', { name: 'Add Mapping' });
  await expect(mapAgain).toContainText(`Organization: ${northwind}`);
  await mapAgain.getByLabel('Tenant ID').fill('tenant-north-2');
  await reloadsLive(page, () => mapAgain.getByRole('button', { name: 'Save mapping' }).click());
  await expect(page.getByRole('row').filter({ hasText: northwind })).toContainText('tenant-north-2');
  await expect(unmapped.getByRole('button', { name: `Map ${northwind}` })).toHaveCount(0);

  await followLink(page, page.getByRole('link', { name: 'Overview' }));
  await expect(page.locator('.details')).toContainText('Tenant ID');
  await expect(page.getByRole('cell', { name: 'api_key' })).toBeVisible();

  // Every document and server-function answer so far, and the audit log, lack the secret.
  await page.goto('/settings/audit-log');
  await expect(page.getByText('integration.defaults').first()).toBeVisible();
  await expect(page.getByText('mapping.delete').first()).toBeVisible();
  expect(bodies.length).toBeGreaterThan(20);
  const leaks = bodies.filter((body) => body.includes(SECRET)).map((body) => body.split('\n')[0]);
  expect(leaks, 'responses that carried the secret').toEqual([]);
});

test('removing a schema field that has values asks first, and deleting an integration says what goes', async ({ page }) => {
  await page.goto('/settings/integrations/new');
  await waitForHydration(page);
  const name = `Graph_${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await addSchemaField(page, 'region', 'string');
  await addSchemaField(page, 'retries', 'int');
  await page.getByRole('button', { name: 'Save integration' }).click();
  await expect(page.getByText('Integration created.')).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel('region').fill('eu');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Defaults saved.')).toBeVisible();

  await page.goto(`/settings/integrations/${name}/edit`);
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Move Field 2 up' }).click();
  await expect(page.locator('.schema-row').first().getByLabel('Key')).toHaveValue('retries');
  await page.getByRole('button', { name: 'Remove Field 2' }).click();
  await page.getByRole('button', { name: 'Save changes' }).click();
  const ask = page.getByRole('alertdialog', { name: 'Delete stored values?' });
  await expect(ask).toContainText('"region" (1 stored value)');
  // Cancel starts focused, and Escape closes the question without saving.
  await expect(ask.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(ask).toBeHidden();
  await expect(page).toHaveURL(/\/edit$/);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(ask).toContainText('"region" (1 stored value)');
  await ask.getByRole('button', { name: 'Delete values and save' }).click();
  await expect(page.getByText('Integration saved.')).toBeVisible();
  await waitForHydration(page);
  await expect(page.locator('.schema-table tbody tr')).toHaveCount(1);

  await page.getByRole('button', { name: 'Delete integration' }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText(`Delete the integration “${name}”?`);
  await expect(confirm).toContainText('0 mapping(s) and 0 stored value(s)');
  await confirm.getByRole('button', { name: 'Delete integration' }).click();
  await expect(page).toHaveURL(/\/settings\/integrations$/);
  await expect(page.getByRole('link', { name })).toHaveCount(0);
});

test('an integration is imported from a definition and its mappings from a CSV with a bad row reported', async ({ page }) => {
  const stamp = Date.now();
  const alpha = `Alpha ${stamp}`;
  const beta = `Beta ${stamp}`;
  const name = `Psa_${stamp}`;
  await createOrganization(page, alpha);
  await createOrganization(page, beta);

  await page.goto('/settings/integrations');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Import Integration' }).click();
  const importer = page.getByRole('dialog', { name: 'Import Integration' });
  await importer.getByLabel('Definition (JSON)').fill('{"bifrost_integration": 1, "name": ');
  await importer.getByRole('button', { name: 'Import' }).click();
  await expect(importer.getByRole('alert')).toContainText('is not a Bifrost integration definition');
  const definition = {
    bifrost_integration: 1,
    name,
    entity_id_name: 'Company ID',
    fields: [
      { key: 'region', type: 'string' },
      { key: 'timeout', type: 'int' },
      { key: 'api_key', type: 'secret' },
    ],
    defaults: { timeout: 30 },
  };
  await importer.getByLabel('Definition file').setInputFiles({
    name: 'definition.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(definition)),
  });
  await expect(importer.getByLabel('Definition (JSON)')).toHaveValue(/"bifrost_integration":1/);
  await importer.getByRole('button', { name: 'Import' }).click();
  await expect(importer.getByRole('status')).toContainText(`${name} imported. Fill in its secrets: api_key.`);
  await followLink(page, importer.getByRole('link', { name: 'Open its Configuration' }));
  await expect(page.getByLabel('timeout')).toHaveValue('30');

  await followLink(page, page.getByRole('link', { name: 'Mappings' }));
  await page.getByRole('button', { name: 'Import CSV' }).click();
  const panel = page.getByRole('dialog', { name: 'Import mappings from CSV' });
  const csv = [
    'organization,entity_id,entity_name,region,timeout',
    `${alpha},c-100,Alpha Inc,eu,`,
    `Nobody ${stamp},c-999,,,`,
    `${beta},c-200,,,45`,
  ].join('\n');
  await panel.getByLabel('CSV file').setInputFiles({ name: 'mappings.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(panel.getByLabel('CSV', { exact: true })).toHaveValue(csv);
  await panel.getByRole('button', { name: 'Preview' }).click();
  await expect(panel.getByText('2 new, 0 updated, 1 with errors.')).toBeVisible();
  const bad = panel.getByRole('row').filter({ hasText: `Nobody ${stamp}` });
  await expect(bad).toContainText(`organization: unknown organization “Nobody ${stamp}”`);
  await expect(bad.getByRole('cell').first()).toHaveText('3');
  await expect(panel.getByRole('button', { name: 'Import' }), 'nothing is imported while a row is bad').toBeDisabled();

  await panel.getByLabel('CSV', { exact: true }).fill(csv.split('\n').filter((line) => !line.startsWith('Nobody')).join('\n'));
  await expect(panel.getByRole('button', { name: 'Import' }), 'a changed text needs a new preview').toBeDisabled();
  await panel.getByRole('button', { name: 'Preview' }).click();
  await expect(panel.getByText('2 new, 0 updated, 0 with errors.')).toBeVisible();
  await panel.getByRole('button', { name: 'Import' }).click();
  await expect(panel.getByText('Imported: 2 created, 0 updated.')).toBeVisible();
  // The list is rendered by the server: closing the panel loads the page with the new rows.
  await reloadsLive(page, () => panel.getByRole('button', { name: 'Close' }).click());
  const mappings = page.locator('table.mappings-table');
  await expect(mappings.getByRole('row').filter({ hasText: alpha })).toContainText('c-100');
  await expect(mappings.getByRole('row').filter({ hasText: beta })).toContainText('c-200');

  const csvDownload = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const exported = await (await csvDownload).createReadStream();
  let text = '';
  for await (const chunk of exported) text += chunk;
  expect(text.split('\n')[0]).toBe('organization,entity_id,entity_name,region,timeout');
  expect(text).toContain(`${beta},c-200,,,45`);

  await followLink(page, page.getByRole('link', { name: 'Overview' }));
  const jsonDownload = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export definition' }).click();
  let json = '';
  for await (const chunk of await (await jsonDownload).createReadStream()) json += chunk;
  const exportedDefinition = JSON.parse(json);
  expect(exportedDefinition.name).toBe(name);
  expect(exportedDefinition.defaults).toEqual({ timeout: 30 });
  expect(exportedDefinition.secrets_to_fill).toEqual(['api_key']);
});
