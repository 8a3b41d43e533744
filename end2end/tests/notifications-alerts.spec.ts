// Alerts: the admin adds a signed webhook (its secret shown once) and an e-mail destination on
// Settings > Notifications, after a bad form is refused by field, and a test reaches the
// webhook. A customer consents through a consent link; the OAuth fixture then refuses the
// organization's refreshes (invalid_grant): the Dashboard lists the token under Needs
// reconnect, and the webhook receiver and the local SMTP server each get one alert. A client
// secret expiry date set on the connection shows on the Dashboard.
// (Named to sort after integrations.spec.ts, which starts from an empty integration list.)
import { createHmac } from 'node:crypto';
import { expect, reloadsLive, test, waitForHydration } from './fixtures';
import { startSmtpReceiver, startWebhookReceiver, type Hook } from './alert-receivers';
import { authorizeAtProvider, callServer, createOrganization, integrationWithConsent, issuer } from './workflow-support';

const smtpPort = Number(process.env.SMTP_PORT ?? 3174);

const events = (hooks: Hook[], event: string) => hooks.filter((hook) => hook.headers['x-bifrost-event'] === event);

test('a refused refresh reaches the Dashboard, a webhook and an inbox once', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const stamp = Date.now();
  const webhook = await startWebhookReceiver();
  const smtp = await startSmtpReceiver(smtpPort);
  try {
    await page.goto('/settings/notifications');
    await waitForHydration(page);
    await expect(page.getByText('No destinations yet.')).toBeVisible();

    // A bad form is refused field by field; then a signed webhook, its secret shown once.
    await page.getByRole('button', { name: 'Add destination' }).click();
    const form = page.getByRole('dialog', { name: 'Add destination' });
    await expect(form.getByLabel('Name', { exact: true })).toBeFocused();
    await form.getByLabel('URL', { exact: true }).fill('ftp://hooks.example.com/x');
    await form.getByRole('button', { name: 'Add destination' }).click();
    await expect(form.locator('#destination-name-message')).toHaveText('is required');
    await expect(form.locator('#destination-url-message')).toHaveText('must be an http or https URL');
    await form.getByLabel('Name', { exact: true }).fill('Ops webhook');
    await form.getByLabel('URL', { exact: true }).fill(webhook.url);
    await form.getByRole('button', { name: 'Add destination' }).click();
    const secret = (await page.locator('code.signing-secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    await reloadsLive(page, () => page.getByRole('button', { name: 'Done' }).click());
    await expect(page.locator('code.signing-secret'), 'shown only once').toHaveCount(0);
    const hookRow = page.getByRole('row').filter({ hasText: 'Ops webhook' });
    await expect(hookRow).toContainText('127.0.0.1');
    await expect(hookRow).not.toContainText('/hook');

    // Edit: the kind stays, the URL left empty is kept, one event is dropped.
    await hookRow.getByRole('button', { name: 'Edit Ops webhook' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit destination' });
    await expect(editor.getByLabel('Name', { exact: true })).toHaveValue('Ops webhook');
    await expect(editor.getByLabel('Kind', { exact: true })).toBeDisabled();
    await expect(editor.getByLabel('URL', { exact: true }), 'the URL stays on the server').toHaveValue('');
    await editor.getByLabel('A client secret expires within 30 days').uncheck();
    await reloadsLive(page, () => editor.getByRole('button', { name: 'Save destination' }).click());
    await expect(hookRow).not.toContainText('oauth.client_secret_expiring');
    await expect(hookRow).toContainText('oauth.needs_reconnect');

    // E-mail through the local SMTP server, unencrypted as it is on this machine.
    await page.getByRole('button', { name: 'Add destination' }).click();
    await form.getByLabel('Name', { exact: true }).fill('On-call mail');
    await form.getByLabel('Kind', { exact: true }).selectOption({ label: 'E-mail (SMTP)' });
    await form.getByLabel('SMTP server', { exact: true }).fill('127.0.0.1');
    await form.getByLabel('Encryption', { exact: true }).selectOption({ label: 'None (a relay on this machine only)' });
    await form.getByLabel('Port', { exact: true }).fill(String(smtpPort));
    await form.getByLabel('From', { exact: true }).fill('bifrost@msp.example');
    await form.getByLabel('To', { exact: true }).fill('oncall@msp.example');
    await reloadsLive(page, () => form.getByRole('button', { name: 'Add destination' }).click());
    await expect(page.getByRole('row').filter({ hasText: 'On-call mail' })).toContainText('127.0.0.1 → oncall@msp.example');

    // Send test: delivered, signed with the secret.
    await hookRow.getByRole('button', { name: 'Send a test to Ops webhook' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Test to' })).toHaveText('Test to Ops webhook: delivered.');
    const [test] = events(webhook.hooks, 'test');
    const signed = createHmac('sha256', secret).update(`${test.headers['x-bifrost-timestamp']}.${test.body}`).digest('hex');
    expect(test.headers['x-bifrost-signature']).toBe(`sha256=${signed}`);

    // A customer consents through a consent link, as its own account at the provider.
    const name = `Alerts_${stamp}`;
    const organization = `Tailspin ${stamp}`;
    const account = `it-${stamp}@tailspin.example`;
    const integration = await integrationWithConsent(page, name);
    const organizationId = await createOrganization(page, organization);
    const mapping = await callServer(page, 'mappings/create', {
      integration_id: integration.id,
      draft: { organization_id: organizationId, entity_id: 'tenant-tailspin', entity_name: organization, overrides: [] },
    });
    const link = await callServer(page, 'consent-links/create', { integration_id: integration.id, mapping_id: mapping.id, days: '7' });
    const customer = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const customerPage = await customer.newPage();
    await customerPage.goto(link.url);
    await customerPage.getByRole('button', { name: /^Continue to / }).click();
    await authorizeAtProvider(customerPage, 'Continue', account);
    await expect(customerPage.getByRole('status')).toContainText(`can now use ${name} for ${organization}`);
    await customer.close();
    await expect.poll(() => events(webhook.hooks, 'consent_link.completed').length).toBe(1);
    await page.goto(`/settings/integrations/${name}/mappings`);
    const mapped = page.getByRole('row').filter({ hasText: organization });
    await expect(mapped, 'the organization has its own token').toContainText('Connected');
    await expect(mapped).not.toContainText('Shared token');

    // The provider withdraws the customer's grant; the next refresh is refused.
    const refused = await page.request.post(`${issuer}/test/refuse-refreshes?account=${encodeURIComponent(account)}`);
    expect((await refused.json()).withdrawn).toBeGreaterThan(0);
    const oauth = await (await page.request.post('/api/oauth/integration', {
      form: { integration_id: String(integration.id) }, headers: { accept: 'application/json' },
    })).json();
    const [token] = oauth.organization_tokens;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const refresh = await page.request.post('/api/oauth/refresh', {
        data: { integration_id: integration.id, token_id: token.id }, headers: { accept: 'application/json' },
      });
      expect(refresh.ok(), 'the provider refuses the refresh').toBe(false);
    }

    await page.goto(`/?kind=needs-reconnect&organization=${encodeURIComponent(organization)}`);
    const listed = page.getByRole('row').filter({ hasText: organization });
    await expect(listed).toContainText(name);
    await expect(listed).toContainText('invalid_grant');
    await expect(listed.getByRole('link', { name: 'Reconnect on the Mappings tab' })).toBeVisible();

    // One alert each, however often the refresh was refused.
    await expect.poll(() => events(webhook.hooks, 'oauth.needs_reconnect').length).toBe(1);
    // Each message aiosmtpd prints, its folded header lines unfolded.
    const mails = () => smtp.output().split('MESSAGE FOLLOWS').slice(1)
      .map((message) => message.replace(/\r?\n[ \t]+/g, ' '))
      .filter((message) => message.includes('needs reconnecting'));
    await expect.poll(() => mails().length, { timeout: 15_000 }).toBe(1);
    const [alert] = events(webhook.hooks, 'oauth.needs_reconnect');
    expect(JSON.parse(alert.body).summary).toBe(`${name}_Auth for ${organization} needs reconnecting`);
    await page.waitForTimeout(1_000);
    expect(events(webhook.hooks, 'oauth.needs_reconnect')).toHaveLength(1);
    expect(mails()).toHaveLength(1);

    // The connection's client secret expires in ten days: the Dashboard lists it 30 days ahead.
    await page.goto('/settings/oauth');
    await waitForHydration(page);
    const card = page.getByRole('region', { name: `${name}_Auth` });
    await card.getByRole('button', { name: `Edit ${name}_Auth` }).click();
    const edit = page.getByRole('dialog', { name: 'Edit OAuth connection' });
    const inTenDays = new Date(Date.now() + 10 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    await edit.getByLabel('Secret expires on').fill(inTenDays);
    await reloadsLive(page, () => edit.getByRole('button', { name: 'Save connection' }).click());
    await page.goto(`/?kind=client-secret-expiring&integration=${name}`);
    const expiring = page.getByRole('row').filter({ hasText: name });
    await expect(expiring).toContainText(`${name}_Auth`);
    await expect(expiring).toContainText(inTenDays);
    await expect(expiring.getByRole('link', { name: 'Edit the OAuth connection' })).toHaveAttribute('href', '/settings/oauth');

    // The deliveries list shows both as delivered.
    await page.goto('/settings/notifications');
    const delivered = page.locator('table.deliveries-table tbody tr').filter({ hasText: 'oauth.needs_reconnect' });
    await expect(delivered).toHaveCount(2);
    await expect(delivered.first()).toContainText('Delivered');
  } finally {
    webhook.close();
    smtp.close();
  }
});
