import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type RegistryFixture } from '../spec/registry.fixture.js';

/** The dashboard in real headless Chromium: it must follow the registry live, without a reload. */
describe('dashboard at /ui', () => {
  let fx: RegistryFixture;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fx = await startFixture();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser.close();
    await fx.stop();
  });

  it('shows a newly registered service, its instances and check status, and KV keys, without reloading', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${fx.registry.url}/ui`);
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 10_000 });
    // A fresh registry lists itself, like a Consul server.
    await expect.poll(() => page.locator('[data-service="consul"] .counts').textContent(), { timeout: 10_000 }).toBe('1 passing');
    const loadedAt = await page.evaluate(() => performance.timeOrigin);

    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', port: 8080, tags: ['v1'], check: { ttl: '1h' } });
    const instance = page.locator('[data-service="web"] tr[data-instance="web-1"]');
    await instance.waitFor({ timeout: 10_000 });
    expect(await instance.textContent()).toContain('127.0.0.1:8080');
    await expect.poll(() => page.locator('[data-service="web"] .counts').textContent(), { timeout: 10_000 }).toBe('1 critical');

    await fx.consul.agent.check.pass('service:web-1');
    await expect.poll(() => page.locator('[data-service="web"] .counts').textContent(), { timeout: 10_000 }).toBe('1 passing');

    await fx.consul.kv.set('config/feature', 'on');
    await page.locator('#kv-keys li[data-key="config/feature"]').waitFor({ timeout: 10_000 });
    await page.locator('#kv-keys li[data-key="config/feature"]').click();
    await expect.poll(() => page.locator('#kv-value').textContent(), { timeout: 10_000 }).toBe('on');

    await fx.consul.agent.service.deregister('web-1');
    await page.locator('[data-service="web"]').waitFor({ state: 'detached', timeout: 10_000 });

    expect(await page.evaluate(() => performance.timeOrigin)).toBe(loadedAt);
    expect(errors).toEqual([]);
  });

  it('works behind the ACL token given as ?token=, sending it with every API call', async () => {
    const secured = await startFixture({ aclToken: 'ui-token' });
    const tab = await browser.newPage();
    try {
      await tab.goto(`${secured.registry.url}/ui?token=ui-token`);
      await tab.locator('#live[data-state="live"]').waitFor({ timeout: 10_000 });
      await secured.consul.agent.service.register({ name: 'guarded', id: 'guarded-1', port: 1 });
      await tab.locator('[data-service="guarded"]').waitFor({ timeout: 10_000 });
      expect(await tab.locator('#token-form').isVisible()).toBe(false);
    } finally {
      await tab.close();
      await secured.stop();
    }
  });

  it('renders service data as text, never as markup', async () => {
    await fx.consul.agent.service.register({ name: 'xss', id: '<img src=x onerror="window.__pwned=1">', port: 1 });
    await page.locator('[data-service="xss"]').waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('[data-service="xss"] td').first().textContent()).toBe('<img src=x onerror="window.__pwned=1">');
  });
});
