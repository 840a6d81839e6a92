// Browser helpers for tests/browser: Debian's Chromium driven by playwright-core (never a
// downloaded browser), screenshots into tests/artifacts/ (gitignored).
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './worker.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'tests/artifacts');

export async function launchChromium() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/bootstrap --browser (Debian's chromium)`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Saves a full-page screenshot as tests/artifacts/<name>.png; returns the path. */
export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  // From the top: a restored scroll position would draw the sticky header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Clicks `selector` and waits for the navigation it causes (the banner reloads the page). */
export async function clickAndWaitForLoad(page, selector) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click(selector),
  ]);
}

/** Names of the cookies `document.cookie` shows the page. */
export function documentCookieNames(page) {
  return page.evaluate(() => document.cookie.split(';').map((p) => p.split('=')[0].trim()).filter(Boolean));
}
