// Browser tests of the e-mail verification pages (issue #5), with and without JavaScript:
// labels, the error summary, focus and axe-core WCAG 2.1 AA on every page of the flow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, axe } from './lib.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

for (const javaScriptEnabled of [false, true]) {
  test(`verification pages (JavaScript ${javaScriptEnabled ? 'on' : 'off'}) have no WCAG 2.1 AA violation`, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled, locale: 'ja-JP' });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/apply/verify?form=kenchiku`);
    assert.equal(await page.title(), 'メールアドレスの確認 | 電子申請');
    assert.deepEqual(await axe(page, { js: javaScriptEnabled }), []);
    // an invalid address: the error summary, linked to the field, announced
    await page.getByLabel('メールアドレス').fill('not-an-address');
    await page.getByRole('button', { name: '確認コードを送る' }).click();
    await page.waitForLoadState();
    assert.match(await page.title(), /^エラー/);
    assert.equal(await page.getByRole('alert').count(), 1);
    await page.getByRole('link', { name: /メールアドレスの形式/ }).click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'email');
    assert.deepEqual(await axe(page, { js: javaScriptEnabled }), []);
    // a valid one: the code page
    await page.getByLabel('メールアドレス').fill('hanako@example.jp');
    await page.getByRole('button', { name: '確認コードを送る' }).click();
    await page.waitForLoadState();
    assert.equal(await page.title(), '確認コードの入力 | 電子申請');
    assert.deepEqual(await axe(page, { js: javaScriptEnabled }), []);
    // 320 px wide: nothing scrolls sideways
    await page.setViewportSize({ width: 320, height: 640 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
    await ctx.close();
  });
}

test('the 404 page is a page for people', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const res = await page.goto(`${server.url}/apply/no/such/page`);
  assert.equal(res.status(), 404);
  assert.match(await page.textContent('h1'), /ページが見つかりません/);
  assert.deepEqual(await axe(page), []);
  await ctx.close();
});
