import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Module from 'node:module';
import type { Browser, ElementHandle, Frame, Page, PuppeteerNode } from 'puppeteer-core';

/**
 * One Chromium for the browser suite, driven by puppeteer-core: Debian's package (`/usr/bin/chromium`, or
 * `$CHROMIUM_PATH`), which `.ci/run` installs. Without it the suite is skipped with the reason printed.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM)
  ? null
  : `Chromium not found at ${CHROMIUM} (install Debian's "chromium" package, as .ci/run does, or set CHROMIUM_PATH): browser tests skipped`;

/** The README names this folder: the screenshots the browser tests take, regenerated on every run. */
export const SCREENSHOTS = join(__dirname, '..', '..', 'screenshots');

/**
 * puppeteer-core 25 is an ES module. Jest's CommonJS runtime cannot load it, but Node 20's own loader can
 * (`require(esm)`), so it is loaded through Node's loader, bypassing Jest's module registry.
 */
function loadPuppeteer(): PuppeteerNode {
  const load = (Module as unknown as { _load(request: string, parent: null): { default: PuppeteerNode } })._load;
  return load(require.resolve('puppeteer-core'), null).default;
}

export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'erasure-desk-chromium-'));
  const browser = await loadPuppeteer().launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
    ],
    defaultViewport: { width: 1360, height: 900 },
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until the frame's app has rendered and no resolver call is in flight. */
export async function settled(frame: Frame): Promise<void> {
  await frame.waitForFunction(() => {
    const host = (window as unknown as { __uiHost?: { commits: number; pendingInvokes: number } }).__uiHost;
    return !!host && host.commits > 0 && host.pendingInvokes === 0 && !document.querySelector('.uk-spinner');
  });
}

export async function frameNamed(page: Page, name: string): Promise<Frame> {
  for (let i = 0; i < 100; i += 1) {
    const frame = page.frames().find((f) => f.name() === name);
    if (frame) {
      await settled(frame);
      return frame;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no frame ${name}`);
}

export const textIn = (frame: Frame): Promise<string> => frame.evaluate(() => document.body.innerText);

export async function waitForText(frame: Frame, text: string): Promise<void> {
  try {
    await frame.waitForFunction((t: string) => document.body.innerText.includes(t), { timeout: 10_000 }, text);
  } catch {
    throw new Error(`"${text}" never appeared; the frame shows:\n${await textIn(frame)}`);
  }
}

/** Clicks the UI Kit Button with this label and waits for the resolver call it makes to finish. */
export async function clickButton(frame: Frame, label: string, index = 0): Promise<void> {
  const buttons = await frame.$$('button[data-uikit="Button"], button[data-uikit="LoadingButton"]');
  const matching: ElementHandle[] = [];
  for (const b of buttons) if ((await b.evaluate((el) => el.textContent?.trim())) === label) matching.push(b);
  const button = matching[index];
  if (!button) throw new Error(`no button "${label}"; the frame shows:\n${await textIn(frame)}`);
  await button.click();
  await new Promise((r) => setTimeout(r, 30));
  await settled(frame);
}

export async function screenshot(page: Page, selector: string, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const element = await page.$(selector);
  if (!element) throw new Error(`nothing to screenshot at ${selector}`);
  await element.screenshot({ path: join(SCREENSHOTS, `${name}.png`) as `${string}.png` });
}
