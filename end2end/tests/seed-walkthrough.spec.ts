// The seed document's steps exactly as written, by clicking, on a fresh server of each backend
// (SQLite, and PostgreSQL where TEST_DATABASE_URL names a server): Create Integration with a
// config schema and OAuth configured inline, Connect, the Configuration tab's defaults, two
// mappings on the Mappings tab (one with the shared token, one connecting its own token after
// saving), then the seed's Python example for each organization gets its tenant's customers
// with the token its mapping says.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { serverBin } from '../playwright.config';
import { ADMIN, expect, followLink, reloadsLive, test, waitForHydration } from './fixtures';
import {
  CUSTOMERS, SEED_WORKFLOW, authorizeAtProvider, consentUnlessGranted, createKey, issuer, runWorkflow, startHalo, type Halo,
} from './workflow-support';

type Backend = { name: string; port: number; haloPort: number; database?: string };

const backends: Backend[] = [{ name: 'SQLite', port: 3181, haloPort: 3183 }];
const postgres = process.env.TEST_DATABASE_URL;
if (postgres) {
  backends.push({ name: 'PostgreSQL', port: 3182, haloPort: 3184, database: `bifrost_e2e_${Date.now()}` });
} else if (process.env.BIFROST_REQUIRE_POSTGRES) {
  throw new Error('BIFROST_REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not: the PostgreSQL walk-through cannot run');
}

/** A database URL on the PostgreSQL server of TEST_DATABASE_URL. */
function databaseUrl(database: string): string {
  const url = new URL(postgres ?? '');
  url.pathname = `/${database}`;
  return url.toString();
}

function psql(sql: string) {
  execFileSync('psql', [postgres ?? '', '-q', '-c', sql]);
}

/** A server of its own: a fresh data directory and, for PostgreSQL, a fresh database. */
async function startServer(backend: Backend): Promise<{ process: ChildProcess; exited: Promise<unknown>; env: NodeJS.ProcessEnv }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BIFROST_LISTEN: `127.0.0.1:${backend.port}`,
    BIFROST_DATA_DIR: mkdtempSync(join(tmpdir(), 'bifrost-seed-')),
    BIFROST_LOG: 'warn',
    BIFROST_ALLOW_PRIVATE_NETWORK: 'true',
  };
  delete env.DATABASE_URL;
  if (backend.database) {
    psql(`CREATE DATABASE ${backend.database}`);
    env.DATABASE_URL = databaseUrl(backend.database);
  }
  const child = spawn(serverBin, [], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = `http://127.0.0.1:${backend.port}/readyz`;
  for (let attempt = 0; attempt < 300; attempt++) {
    const answer = await fetch(ready).catch(() => null);
    if (answer?.ok) return { process: child, exited, env };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`the ${backend.name} server did not become ready at ${ready}`);
}

/** First-run setup with the code the server printed, as the README says. */
async function setUp(page: Page, env: NodeJS.ProcessEnv) {
  await page.goto('/setup');
  await waitForHydration(page);
  const code = execFileSync(serverBin, ['setup-code'], { env }).toString().trim();
  await page.getByLabel('E-mail address').fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Confirm password').fill(ADMIN.password);
  await page.getByLabel('Setup code').fill(code);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
}

/** "Create an Integration", steps 1 to 5, with OAuth configured inline. */
async function createIntegrationWithOAuth(page: Page, connection: string) {
  await page.goto('/settings/integrations');
  await waitForHydration(page);
  await followLink(page, page.getByRole('link', { name: 'Create Integration' }).first());
  await page.getByLabel('Name', { exact: true }).fill('HaloPSA');
  await page.getByLabel('Description').fill('HaloPSA tickets and customers');
  await page.getByLabel('Entity ID Name').fill('Tenant ID');
  await page.getByRole('button', { name: 'Add field' }).click();
  const field = page.locator('.schema-row').last();
  await field.getByLabel('Key').fill('base_url');
  await field.getByLabel('Required').check();
  await page.getByLabel('Configure custom OAuth settings').check();
  await page.getByLabel('Connection name').fill(connection);
  await page.getByLabel('Authorization URL').fill(`${issuer}/auth`);
  await page.getByLabel('Token URL').fill(`${issuer}/token`);
  await page.getByLabel('Client ID').fill('bifrost-e2e');
  await page.getByLabel('Client Secret').fill('e2e-client-secret');
  await page.getByLabel('Scopes').fill('openid api.read');
  await page.getByRole('button', { name: 'Save integration' }).click();
  // Where the next step is offered: Connect.
  await expect(page).toHaveURL(/\/settings\/integrations\/HaloPSA\/oauth\?created=1$/);
  await waitForHydration(page);
  await expect(page.getByText('Integration created with its OAuth connection.')).toBeVisible();
  await expect(page.locator('.token-status')).toHaveText('Not connected');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await authorizeAtProvider(page, 'Continue');
  await page.waitForURL(/\/oauth\?oauth=connected$/);
  await waitForHydration(page);
  await expect(page.locator('.token-status')).toHaveText('Connected');
}

async function createOrganization(page: Page, name: string) {
  await page.goto('/settings/organizations');
  await waitForHydration(page);
  await page.getByLabel('New organization').fill(name);
  await reloadsLive(page, () => page.getByRole('button', { name: 'Create organization' }).click());
}

/** "Create Organization Mappings": select the organization, set the entity ID, choose a token. */
async function addMapping(page: Page, organization: string, tenant: string, token: string) {
  await page.getByRole('button', { name: 'Add Mapping' }).click();
  const editor = page.getByRole('dialog', { name: 'Add Mapping' });
  await editor.getByLabel('Find organization').fill(organization);
  await editor.getByLabel('Organization', { exact: true }).selectOption({ label: organization });
  await editor.getByLabel('Tenant ID').fill(tenant);
  await editor.getByLabel('OAuth token').selectOption({ label: token });
  return editor;
}

for (const backend of backends) {
  test.describe(`the seed walk-through on ${backend.name}`, () => {
    const baseURL = `http://127.0.0.1:${backend.port}`;
    test.use({ baseURL, storageState: { cookies: [], origins: [] } });
    let server: Awaited<ReturnType<typeof startServer>>;
    let halo: Halo;

    test.beforeAll(async () => {
      server = await startServer(backend);
      halo = await startHalo(backend.haloPort);
    });

    test.afterAll(async () => {
      server?.process.kill();
      halo?.server.close();
      if (backend.database) {
        await server?.exited;
        psql(`DROP DATABASE IF EXISTS ${backend.database} WITH (FORCE)`);
      }
    });

    test(`create with OAuth inline, defaults, two mappings, the seed's example (${backend.name})`, async ({ page }) => {
      test.setTimeout(180_000);
      const stamp = Date.now();
      await setUp(page, server.env);
      await createIntegrationWithOAuth(page, `Halo_Seed_${stamp}`);

      // "Set Integration Defaults": the Configuration tab.
      await followLink(page, page.getByRole('link', { name: 'Configuration', exact: true }));
      await page.getByLabel('base_url').fill(`http://127.0.0.1:${backend.haloPort}`);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(page.getByText('Defaults saved.')).toBeVisible();

      // Two customer organizations, one on the shared token, one with its own.
      await createOrganization(page, 'Contoso');
      await createOrganization(page, 'Fabrikam');
      await page.goto('/settings/integrations/HaloPSA/mappings');
      await waitForHydration(page);
      const contoso = await addMapping(page, 'Contoso', 'tenant-contoso', "Shared token (the integration's)");
      await reloadsLive(page, () => contoso.getByRole('button', { name: 'Save mapping' }).click());
      const fabrikam = await addMapping(page, 'Fabrikam', 'tenant-fabrikam', "Connect after saving (this organization's own token)");
      await fabrikam.getByRole('button', { name: 'Save mapping' }).click();
      await consentUnlessGranted(page, /\/mappings\?oauth=connected$/);
      await waitForHydration(page);
      await expect(page.getByRole('row').filter({ hasText: 'Contoso' })).toContainText('Shared token');
      await expect(page.getByRole('row').filter({ hasText: 'Fabrikam' })).toContainText('Connected');

      // "Use in Workflows": the seed's example, unchanged, for each organization.
      await page.goto('/settings/api-keys');
      await waitForHydration(page);
      const key = await createKey(page, `Runner ${stamp}`, 'Provider', /provider: any organization/);
      const dir = mkdtempSync(join(tmpdir(), 'bifrost-seed-workflow-'));
      writeFileSync(join(dir, 'halo_workflow.py'), SEED_WORKFLOW);
      for (const [organization, tenant] of [['Contoso', 'tenant-contoso'], ['Fabrikam', 'tenant-fabrikam']]) {
        const run = await runWorkflow(dir, { BIFROST_URL: baseURL, BIFROST_API_KEY: key, BIFROST_ORG: organization });
        expect(run.code, run.stderr).toBe(0);
        expect(JSON.parse(run.stdout)).toEqual(CUSTOMERS[tenant]);
      }
      expect(halo.tokens.get('tenant-fabrikam'), 'Fabrikam uses its own token, not the shared one').not.toEqual(
        halo.tokens.get('tenant-contoso'),
      );
    });
  });
}
