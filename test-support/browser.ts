/**
 * Debian's chromium driven by playwright-core (no browser download), the way every browser test
 * launches it: headless, no sandbox (containers run as root), no GPU, and none of the background
 * traffic (updates, sync, component downloads) that would make an offline check meaningless.
 */
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM } from './oracles.js';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS] });
}

/**
 * Keeps a page offline but for `allowed` URLs (every other request is aborted and listed in
 * `elsewhere`) and lists its console errors and warnings and uncaught errors in `problems`.
 */
export async function guardPage(page: Page, allowed: (url: string) => boolean): Promise<{ elsewhere: string[]; problems: string[] }> {
  const elsewhere: string[] = [];
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  return { elsewhere, problems };
}
