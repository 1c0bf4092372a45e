// Browser tests of restoring from a backup (#/backups, issue #9) in Debian's chromium: a record
// is backed up (madoguchi backup with a key file), then changed by mistake; a system
// administrator opens the screen from the menu, chooses the backup, the app (by keyboard) and
// the record number, sees the differences (field, status) and restores; the record has its old
// value back under the same number. axe-core (WCAG 2.1 AA) finds nothing on the list and on the
// preview; a staff member who is not an administrator gets no menu entry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, axe, BIN } from './lib.mjs';

let server, browser, auth, app, rec, keyDir;
const ADMIN = 'bk-admin', STAFF = 'bk-staff';
const PW = `pw-${randomBytes(8).toString('hex')}`;

async function api(method, path, body) {
  const res = await fetch(`${server.url}${path}`, {
    method, headers: { 'X-Cybozu-Authorization': auth, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

before(async () => {
  keyDir = mkdtempSync(join(tmpdir(), 'madoguchi-bk-key-'));
  const keyFile = join(keyDir, 'backup.key');
  execFileSync(BIN, ['backup', 'keygen', '--key-file', keyFile]);
  server = await startServer({ MADOGUCHI_SECURITY_MFA_REQUIRED: '0', MADOGUCHI_BACKUP_KEY_FILE: keyFile,
    MADOGUCHI_BACKUP_ENABLED: '0' });
  const apw = `pw-${randomBytes(8).toString('hex')}`;
  server.cli(['user', 'add', '--login', 'bk-api', '--name', 'API', '--password-stdin', '--admin', '--service'], `${apw}\n`);
  auth = Buffer.from(`bk-api:${apw}`).toString('base64');
  server.cli(['user', 'add', '--login', ADMIN, '--name', '管理 太郎', '--admin', '--password-stdin'], `${PW}\n`);
  server.cli(['user', 'add', '--login', STAFF, '--name', '窓口 花子', '--password-stdin'], `${PW}\n`);
  ({ app } = await api('POST', '/k/v1/preview/app.json', { name: '道路占用許可申請' }));
  await api('POST', '/k/v1/preview/app/form/fields.json', { app, properties: {
    件名: { type: 'SINGLE_LINE_TEXT', code: '件名', label: '件名' } } });
  await api('PUT', '/k/v1/preview/app/status.json', { app, enable: true,
    states: { 受付: { name: '受付', index: '0' }, 許可: { name: '許可', index: '1' } },
    actions: [{ name: '許可する', from: '受付', to: '許可' }] });
  await api('POST', '/k/v1/preview/app/deploy.json', { apps: [{ app }] });
  rec = (await api('POST', '/k/v1/record.json', { app, record: { 件名: { value: '世田谷一丁目の占用' } } })).id;
  server.cli(['backup', '--key-file', keyFile]);
  await api('PUT', '/k/v1/record.json', { app, id: rec, record: { 件名: { value: '誤って上書き' } } });
  await api('PUT', '/k/v1/record/status.json', { app, id: rec, action: '許可する' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

async function signedIn(login) {
  const ctx = await browser.newContext({ locale: 'ja-JP' });
  const res = await ctx.request.post(`${server.url}/auth/login.json`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' }, data: { login, password: PW } });
  assert.equal(res.status(), 200, await res.text());
  const body = await res.json();
  if (body.stage === 'password') {
    const again = await ctx.request.post(`${server.url}/auth/password.json`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest', 'X-Request-Token': body.requestToken || '' },
      data: { currentPassword: PW, password: `${PW}-x` } });
    assert.equal(again.status(), 200, await again.text());
  }
  return ctx;
}

test('an administrator previews and restores a record changed by mistake, by keyboard; axe passes', async () => {
  const ctx = await signedIn(ADMIN);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && !/Content Security Policy|favicon/.test(m.text() + m.location().url) && errors.push(`${m.text()} ${m.location().url}`));
  await page.goto(`${server.url}/staff/#/inbox`);
  await page.click('nav a[href="#/backups"]');
  await page.waitForSelector('input[name=backup]');
  assert.equal(await page.$$eval('input[name=backup]', (els) => els.length), 1);
  assert.ok(await page.$eval('input[name=backup]', (el) => el.checked), 'the newest backup is chosen');
  // the last run and its verify, as GET /api/backups.json reports them
  assert.match(await page.locator('.bk-status').textContent(), /^最新のバックアップ：.*（検証済み）$/);
  assert.deepEqual(await axe(page), []);

  await page.focus('#bk-app');
  await page.selectOption('#bk-app', String(app));
  await page.keyboard.press('Tab');
  await page.keyboard.type(String(rec));
  await page.keyboard.press('Enter');
  await page.waitForSelector('.bk-preview table');
  const cells = await page.$$eval('.bk-preview tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  assert.deepEqual(cells, [['件名', '誤って上書き', '世田谷一丁目の占用'], ['ステータス', '許可', '受付']]);
  assert.match(await page.textContent('.bk-preview'), /変更されています/);
  assert.deepEqual(await axe(page), []);

  await page.click('text=この内容で復元する');
  await page.waitForSelector('.bk-done');
  assert.match(await page.textContent('.bk-done'), new RegExp(`レコード番号 ${rec} を復元しました`));
  const r = await api('GET', `/k/v1/record.json?app=${app}&id=${rec}`);
  assert.equal(r.record.件名.value, '世田谷一丁目の占用');
  assert.equal(r.record.ステータス.value, '受付');
  assert.equal(r.record.$id.value, String(rec));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a deleted record restored to a revision of its history, previewed first', async () => {
  const id = (await api('POST', '/k/v1/record.json', { app, record: { 件名: { value: '玉川二丁目の占用' } } })).id;
  await api('PUT', '/k/v1/record.json', { app, id, record: { 件名: { value: '書き換え後' } } });
  await api('DELETE', '/k/v1/records.json', { app, ids: [id] });
  const ctx = await signedIn(ADMIN);
  const page = await ctx.newPage();
  await page.goto(`${server.url}/staff/#/backups`);
  await page.getByRole('radio', { name: /^レコードの履歴の版/ }).check();
  await page.selectOption('#bk-app', String(app));
  await page.fill('#bk-record', String(id));
  await page.fill('#bk-revision', '1');
  await page.getByRole('button', { name: '差分を確認' }).click();
  await page.waitForSelector('.bk-preview table');
  assert.match(await page.textContent('#bk-preview-title'), /版 1/);
  assert.match(await page.textContent('.bk-preview'), /現在は削除されています/);
  const cells = await page.$$eval('.bk-preview tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  assert.deepEqual(cells[0], ['件名', '書き換え後', '玉川二丁目の占用']);
  assert.deepEqual(await axe(page), []);
  await page.getByRole('button', { name: 'この内容で復元する' }).click();
  await page.waitForSelector('.bk-done');
  const r = await api('GET', `/k/v1/record.json?app=${app}&id=${id}`);
  assert.equal(r.record.件名.value, '玉川二丁目の占用');
  assert.equal(r.record.$id.value, String(id));
  await ctx.close();
});

test('a staff member who is not an administrator has no restore entry', async () => {
  const ctx = await signedIn(STAFF);
  const page = await ctx.newPage();
  await page.goto(`${server.url}/staff/#/inbox`);
  await page.waitForSelector('nav');
  assert.equal(await page.$('nav a[href="#/backups"]'), null);
  await ctx.close();
});
