// Playwright drives Debian's Chromium (never a downloaded browser) against the release server,
// started on a fresh temporary data directory, and the OAuth fixture. `scripts/test` sets
// BIFROST_BIN to the built binary.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

const serverPort = Number(process.env.BIFROST_E2E_PORT ?? 3170);
const oidcPort = Number(process.env.OIDC_PORT ?? 3171);
// Set once in the main process; workers inherit it, so all share the one fresh directory.
process.env.BIFROST_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'bifrost-e2e-'));
process.env.OIDC_PORT = String(oidcPort);
export const adminStateFile = join(process.env.BIFROST_E2E_DATA_DIR, 'admin-session.json');
export const serverBin = process.env.BIFROST_BIN ?? '../target/release/bifrost';
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${serverPort}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    // First-run setup through the UI; it saves the administrator's session for the other tests.
    { name: 'setup', testMatch: /first-run\.setup\.ts/ },
    { name: 'chromium', dependencies: ['setup'], use: { storageState: adminStateFile } },
  ],
  webServer: [
    {
      command: serverBin,
      url: `http://127.0.0.1:${serverPort}/readyz`,
      env: {
        BIFROST_LISTEN: `127.0.0.1:${serverPort}`,
        BIFROST_DATA_DIR: process.env.BIFROST_E2E_DATA_DIR,
        BIFROST_LOG: 'warn',
        // The OAuth fixture and the test APIs listen on loopback.
        BIFROST_ALLOW_PRIVATE_NETWORK: 'true',
      },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: 'node fixtures/oidc-server.mjs',
      url: `http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`,
      env: { OIDC_PORT: String(oidcPort) },
      reuseExistingServer: false,
      timeout: 30_000,
    },
  ],
});
