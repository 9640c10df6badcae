import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (test/setup/apt-packages.txt); tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Chromium with every background network feature off, so the only traffic is the test's
 * own requests to 127.0.0.1. Playwright gives each launch a fresh temporary profile
 * (`--user-data-dir`) and deletes it on close.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
