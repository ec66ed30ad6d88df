/**
 * Debian's chromium driven by playwright-core (no browser download), the way every browser test
 * launches it: headless, no sandbox (containers run as root), no GPU, and none of the background
 * traffic (updates, sync, component downloads) that would make an offline check meaningless.
 */
import type { Browser } from 'playwright-core';
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
