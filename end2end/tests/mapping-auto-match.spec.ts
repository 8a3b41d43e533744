// Named to run after integrations.spec.ts, which starts from an empty integrations list.
// Mapping many organizations at once: an entity source on the Entities tab (a stand-in API of
// 250 companies in pages of 100, behind an API key sent from a secret config field), Preview,
// Save and Refresh list; Auto-match on the Mappings tab, accepting all above 90%; then the
// seed's Python example for an auto-matched organization gets its tenant's customers.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, reloadsLive, test, waitForHydration } from './fixtures';
import {
  SEED_WORKFLOW, callServer, createKey, createOrganization, openAddMapping, removeHaloPSA, runWorkflow,
} from './workflow-support';

const serverUrl = `http://127.0.0.1:${process.env.BIFROST_E2E_PORT ?? 3170}`;
const companiesPort = Number(process.env.COMPANIES_PORT ?? 3174);
const API_KEY = 'k-e2e-companies';
const COMPANIES = 250;

/** The stand-in: `/companies?page=N` (100 a page, the key required) and the seed's `/api/customers`. */
function startCompanies(): Promise<Server> {
  const server = createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${companiesPort}`);
    if (url.pathname === '/api/customers') {
      const tenant = Number(request.headers['x-tenant-id']);
      if (!(tenant >= 1000 && tenant < 1000 + COMPANIES)) return reply(403, { error: 'unknown tenant' });
      return reply(200, [{ id: tenant * 10, name: `Customer of tenant ${tenant}` }]);
    }
    if (url.pathname !== '/companies') return reply(404, { error: 'not found' });
    if (request.headers['x-api-key'] !== API_KEY) return reply(401, { error: 'a valid X-Api-Key is required' });
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const data = [];
    for (let i = (page - 1) * 100; i < Math.min(COMPANIES, page * 100); i++) {
      data.push({ id: 1000 + i, profile: { name: `Company ${String(i).padStart(3, '0')} Ltd` } });
    }
    reply(200, { data });
  });
  return new Promise((resolve) => server.listen(companiesPort, '127.0.0.1', () => resolve(server)));
}

test('an entity source lists 250 companies and Auto-match maps the organizations that match', async ({ page }) => {
  test.setTimeout(120_000);
  const companies = await startCompanies();
  try {
    const stamp = Date.now();
    const call = (path: string, data: unknown) => callServer(page, path, data);
    // HaloPSA with base_url at the stand-in and the key as a secret (an earlier test's goes first:
    // the seed's workflow asks for that name), and three organizations named like companies.
    await removeHaloPSA(page);
    const integration = await call('integrations/create', {
      draft: {
        name: 'HaloPSA', description: '', entity_id_name: 'Tenant ID', default_entity_id: '',
        fields: [
          { id: null, key: 'base_url', field_type: 'string', required: true, description: '' },
          { id: null, key: 'api_key', field_type: 'secret', required: false, description: '' },
        ],
        confirm_field_removal: false, opened_at_version: null,
      },
    });
    await call('integrations/save-defaults', {
      integration_id: integration.id,
      inputs: [
        { key: 'base_url', change: { Set: `http://127.0.0.1:${companiesPort}` } },
        { key: 'api_key', change: { Set: API_KEY } },
      ],
    });
    const picked = `Picked Customer ${stamp}`;
    const organizations = [`Company 001 Inc`, `company 002`, `Compnay 003 GmbH`, picked];
    for (const name of organizations) await createOrganization(page, name);

    // The Entities tab: a wrong pointer is marked beside its field, then Preview and Save.
    await page.goto('/settings/integrations/HaloPSA/entities');
    await waitForHydration(page);
    await page.getByLabel('Path', { exact: true }).fill('/companies');
    await page.getByLabel('Authentication').selectOption('header');
    await page.getByLabel('Header name').fill('X-Api-Key');
    await page.getByLabel('Header value from').selectOption('api_key');
    await page.getByLabel('List pointer').fill('data');
    await page.getByLabel('Name pointer').fill('/profile/name');
    await page.getByLabel('Paging').selectOption('page_parameter');
    await page.getByLabel('Page parameter').fill('page');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.locator('#source-list_pointer-message .field-error')).toContainText('JSON Pointer');
    await expect(page.getByLabel('List pointer')).toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('List pointer').fill('/data');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect(preview).toContainText('The first page holds 100 entities; the first 10 are shown.');
    await expect(preview.locator('tbody tr')).toHaveCount(10);
    await expect(preview).toContainText('Company 000 Ltd');
    expect(await page.content(), 'the key never reaches the page').not.toContain(API_KEY);
    await reloadsLive(page, () => page.getByRole('button', { name: 'Save' }).click());
    await expect(page.getByRole('status')).toContainText('Entity source saved.');
    await expect(page.getByLabel('Page parameter')).toHaveValue('page');
    await page.getByRole('button', { name: 'Refresh list' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'entities on' })).toHaveText('250 entities on 4 pages.');

    // One organization mapped with the picker: found by name, it fills Entity ID and name.
    const editor = await openAddMapping(page, 'HaloPSA', String(stamp), picked);
    await editor.getByLabel('Find entity').fill('company 01');
    await expect(editor.getByLabel('Entity', { exact: true }).locator('option')).toHaveCount(11);
    await editor.getByLabel('Entity', { exact: true }).selectOption({ label: 'Company 010 Ltd (1010)' });
    await expect(editor.getByLabel('Tenant ID')).toHaveValue('1010');
    await expect(editor.getByLabel('Entity name')).toHaveValue('Company 010 Ltd');
    await reloadsLive(page, () => editor.getByRole('button', { name: 'Save mapping' }).click());
    await expect(page.locator('.mappings-table tbody tr').filter({ hasText: picked })).toContainText('1010');

    // Auto-match: two exact matches (case and suffixes aside) and one typo at 81%; the picked
    // organization and its entity are left out.
    await page.getByRole('button', { name: 'Auto-match' }).click();
    const panel = page.locator('section.auto-match');
    const rows = panel.locator('tbody tr');
    await expect(rows).toHaveCount(3);
    await expect(rows.filter({ hasText: 'Compnay 003 GmbH' })).toContainText('81%');
    await expect(rows.filter({ hasText: 'Company 001 Inc' })).toContainText('100% exact');
    await panel.getByLabel('Accept all above').fill('90');
    await reloadsLive(page, () => panel.getByRole('button', { name: 'Accept all above' }).click());
    await expect(page.getByRole('status').first()).toContainText('Auto-match mapped 2 organizations.');
    const mapped = page.locator('.mappings-table tbody tr').filter({ hasText: 'company 002' });
    await expect(mapped).toContainText('1002');

    // The seed's workflow for an auto-matched organization gets its tenant.
    await page.goto('/settings/api-keys');
    await waitForHydration(page);
    const key = await createKey(page, `Auto-match runner ${stamp}`, 'Provider', /provider: any organization/);
    const dir = mkdtempSync(join(tmpdir(), 'bifrost-workflow-'));
    writeFileSync(join(dir, 'halo_workflow.py'), SEED_WORKFLOW);
    const run = await runWorkflow(dir, { BIFROST_URL: serverUrl, BIFROST_API_KEY: key, BIFROST_ORG: 'company 002' });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([{ id: 10020, name: 'Customer of tenant 1002' }]);
  } finally {
    companies.close();
  }
});
