// The `page` every test gets fails the test on an uncaught error or console error in the
// browser: a hydration panic shows up there and nowhere else.
import { test as base, expect } from '@playwright/test';

const serverOrigin = `http://127.0.0.1:${process.env.BIFROST_E2E_PORT ?? 3170}`;
const oauthFixtureOrigin = `http://127.0.0.1:${process.env.OIDC_PORT ?? 3171}`;

export const test = base.extend({
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // A page deliberately answered with an error status, or a server function answering with
      // an error the page shows, is not a browser problem; a missing script or stylesheet is.
      const url = message.location().url;
      // The OAuth provider's own login and consent pages (and the fonts they ask for) are not ours.
      const onProvider = new URL(page.url()).origin === oauthFixtureOrigin || (url !== '' && !url.startsWith(serverOrigin));
      const expected = onProvider || url === page.url() || new URL(url, page.url()).pathname.startsWith('/api/');
      if (message.type() === 'error' && !expected) problems.push(`console error: ${message.text()} (${message.location().url})`);
    });
    await use(page);
    expect(problems, 'the browser reported errors').toEqual([]);
  },
});

export { expect };

/** Resolves once the WASM app has hydrated the server-rendered page. */
export async function waitForHydration(page: import('@playwright/test').Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

/**
 * Follows a link to another page and resolves once that page is live. Pages load whole (the
 * server renders them; only their islands hydrate), so the marker is cleared first to wait for
 * the new page's rather than see the old one's.
 */
export async function followLink(page: import('@playwright/test').Page, link: import('@playwright/test').Locator) {
  await page.evaluate(() => {
    delete document.body.dataset.hydrated;
  });
  await link.click();
  await waitForHydration(page);
}

/**
 * Runs `act`, after which the page loads again (a saved change shows in what the server renders,
 * so the islands load the page again), and resolves once the new page is live.
 */
export async function reloadsLive(page: import('@playwright/test').Page, act: () => Promise<unknown>) {
  const loaded = page.waitForEvent('load');
  await act();
  await loaded;
  await waitForHydration(page);
}

/** The administrator that first-run setup creates. */
export const ADMIN = { email: 'admin@example.com', password: 'e2e correct horse battery' };
