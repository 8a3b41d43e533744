import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { serverBin } from '../playwright.config';
import { expect, test, waitForHydration } from './fixtures';

// A fresh browser and an administrator of its own (made with the CLI), so the shared one's
// sign-in stays as it is for the other tests.
test.use({ storageState: { cookies: [], origins: [] } });

const OWNER = { email: `two-factor-${Date.now()}@example.com`, password: 'two factor long password' };

/** RFC 6238 with the defaults every authenticator app uses: SHA-1, 6 digits, 30 seconds. */
function totp(secretBase32: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secretBase32.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

async function signIn(page: import('@playwright/test').Page, password = OWNER.password) {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('E-mail address').fill(OWNER.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signOut(page: import('@playwright/test').Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
}

test('an administrator enrols an authenticator app and signs in with a code and a recovery code', async ({ page }) => {
  test.setTimeout(90_000);
  const env = { ...process.env, BIFROST_DATA_DIR: process.env.BIFROST_E2E_DATA_DIR, BIFROST_LOG: 'warn' };
  execFileSync(serverBin, ['create-admin', '--email', OWNER.email], { env, input: `${OWNER.password}\n` });

  await signIn(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await page.goto('/settings/two-factor');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  await expect(page.getByRole('img', { name: 'QR code of the secret' })).toBeVisible();
  const secret = (await page.locator('code.totp-secret').textContent())!.trim();
  await page.getByLabel('Code from the app').fill('000000');
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByText('is not the current code of your authenticator app')).toBeVisible();
  await page.getByLabel('Code from the app').fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = page.locator('ol.recovery-codes li');
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.first().textContent())!.trim();
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await expect(page.locator('.two-factor-state')).toHaveText('Two-factor sign-in is on; 10 recovery codes left.');
  await signOut(page);

  // Password, then the app's code (the next step's: the enrolment used the current one).
  await signIn(page);
  await expect(page).toHaveURL(/\/login\/code/);
  await waitForHydration(page);
  await page.getByLabel('Code').fill(totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await signOut(page);

  // A recovery code works once.
  await signIn(page);
  await waitForHydration(page);
  await page.getByLabel('Code').fill(recovery);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await signOut(page);
  await signIn(page);
  await waitForHydration(page);
  await page.getByLabel('Code').fill(recovery);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText('nor an unused recovery code')).toBeVisible();
  await expect(page).toHaveURL(/\/login\/code/);
});
