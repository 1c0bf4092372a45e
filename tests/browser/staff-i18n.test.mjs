// Browser test of the staff app's display settings (issue #8: Japanese UI, 和暦, English
// available) in Debian's chromium: on the account screen a staff member switches to English by
// keyboard; the shell, inbox, record list, record screen and dashboard then speak English and
// <html lang> is "en", without a reload (typed input stays); 和暦 shows a DATE field as R8-04-01
// in English and 令和8年4月1日 in Japanese; back to Japanese and 西暦. The login screen has its
// own language switch before sign-in. axe-core (WCAG 2.1 AA) finds nothing in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, launch, axe, adminCall } from './lib.mjs';

let server, browser, auth, app;
const ids = [];
const STAFF = 'i18n-staff';
const STAFF_PW = `pw-${randomBytes(8).toString('hex')}`;

const api = (method, path, body) => adminCall(server, auth, method, path, body);

before(async () => {
  server = await startServer({ MADOGUCHI_SECURITY_MFA_REQUIRED: '0' });
  const pw = `pw-${randomBytes(8).toString('hex')}`;
  server.cli(['user', 'add', '--login', 'i18nadmin', '--name', '管理', '--password-stdin', '--admin', '--service'], `${pw}\n`);
  auth = Buffer.from(`i18nadmin:${pw}`).toString('base64');
  server.cli(['user', 'add', '--login', STAFF, '--name', '窓口 太郎', '--password-stdin'], `${STAFF_PW}\n`);
  ({ app } = await api('POST', '/k/v1/preview/app.json', { name: '道路占用許可申請' }));
  await api('POST', '/k/v1/preview/app/form/fields.json', { app, properties: {
    件名: { type: 'SINGLE_LINE_TEXT', code: '件名', label: '件名' },
    申請日: { type: 'DATE', code: '申請日', label: '申請日' },
  } });
  await api('PUT', '/k/v1/preview/app/status.json', { app, enable: true,
    states: { 受付: { name: '受付', index: '0' }, 審査中: { name: '審査中', index: '1' } },
    actions: [{ name: '審査開始', from: '受付', to: '審査中' }] });
  await api('PUT', '/k/v1/preview/app/clock.json', { app, enable: true, days: 10, startStatuses: ['受付'] });
  await api('POST', '/k/v1/preview/app/deploy.json', { apps: [{ app }] });
  for (const name of ['歩道の工事', '看板の設置']) {
    ids.push((await api('POST', '/k/v1/record.json', { app, record: { 件名: { value: name }, 申請日: { value: '2026-04-01' } } })).id);
  }
  await api('PUT', '/k/v1/record/status.json', { app, id: ids[1], action: '審査開始' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn() {
  const ctx = await browser.newContext({ locale: 'ja-JP' });
  const res = await ctx.request.post(`${server.url}/auth/login.json`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' }, data: { login: STAFF, password: STAFF_PW } });
  assert.equal(res.status(), 200, await res.text());
  return ctx;
}

function watch(page, expected = /^$/) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // axe is injected through devtools when the CSP refuses its inline script: that refusal is the helper's
  page.on('console', (m) => m.type() === 'error' && !/Content Security Policy|favicon/.test(m.text() + m.location().url)
    && !expected.test(`${m.text()} ${m.location().url}`) && errors.push(`${m.text()} ${m.location().url}`));
  return errors;
}

const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);
const heading = (page, name) => page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
const hash = (page, h) => page.evaluate((x) => { location.hash = x; }, h); // a route change, not a reload

test('English by keyboard on the account screen, 和暦, back to Japanese; axe in English', async () => {
  const ctx = await signedIn();
  const page = await ctx.newPage();
  const errors = watch(page, /app=987654|id=987654/); // the unknown app asked for on purpose
  await page.goto(`${server.url}/staff/#/account`);
  await heading(page, 'アカウント');
  assert.equal(await htmlLang(page), 'ja');
  assert.equal(await page.getByRole('radio', { name: '日本語' }).isChecked(), true);
  assert.equal(await page.getByRole('radio', { name: /^西暦/ }).isChecked(), true);
  await page.fill('#cur-password', 'typed-before'); // must survive the switch (no reload)
  await page.evaluate(() => { window.__sameDocument = true; });

  // the language group by keyboard: focus 日本語, arrow to English (a radio group selects on arrow)
  await page.getByRole('radio', { name: '日本語' }).focus();
  await page.keyboard.press('ArrowDown');
  await heading(page, 'Account');
  assert.equal(await htmlLang(page), 'en');
  assert.equal(await page.getByRole('radio', { name: 'English' }).isChecked(), true);
  assert.equal(await page.evaluate(() => document.activeElement.value), 'en', 'focus stays on the radio');
  assert.equal(await page.inputValue('#cur-password'), 'typed-before');
  assert.equal(await page.evaluate(() => window.__sameDocument), true);
  assert.equal(await page.evaluate(() => localStorage.getItem('mado.lang')), 'en');
  await page.getByRole('group', { name: 'Language' }).waitFor();
  await page.getByRole('group', { name: 'Dates' }).waitFor();
  await page.getByRole('heading', { name: 'Change password' }).waitFor();
  // the shell
  const nav = page.getByRole('navigation', { name: 'Main menu' });
  for (const name of ['Inbox', 'Apps', 'Dashboard']) await nav.getByRole('link', { name, exact: true }).waitFor();
  await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
  assert.deepEqual(await axe(page), []);

  // inbox
  await nav.getByRole('link', { name: 'Inbox', exact: true }).click();
  await heading(page, 'Inbox');
  await page.getByRole('heading', { name: /^Notifications/ }).waitFor();
  await page.getByRole('heading', { name: /^Assigned to me/ }).waitFor();
  assert.equal(await page.title(), 'Inbox — Madoguchi');

  // record list
  await hash(page, `#/apps/${app}`);
  await page.getByRole('link', { name: 'New (paper application)' }).waitFor();
  await page.getByText('1–2 of 2', { exact: true }).waitFor();
  await page.getByLabel('Keyword search').waitFor();
  for (const name of ['Search', 'Overdue only', 'CSV (UTF-8)', 'CSV (Shift_JIS)', 'Previous', 'Next']) {
    await page.getByRole('button', { name, exact: true }).waitFor();
  }
  assert.equal(await page.locator('fieldset.filters legend').textContent(), 'Filters');
  await page.getByText('None selected (exports take every record of the current filter)').waitFor();
  await page.getByLabel(`Select record ${ids[0]}`).check();
  await page.getByText('1 selected', { exact: true }).waitFor();
  await page.getByLabel('Bulk action').waitFor();
  assert.equal(await page.locator('table.list tbody tr').first().locator('td').filter({ hasText: '2026-04-01' }).count(), 1);
  assert.deepEqual(await axe(page), []);

  // record screen
  await hash(page, `#/apps/${app}/records/${ids[1]}`);
  await page.getByRole('button', { name: 'Edit', exact: true }).waitFor();
  await page.getByRole('tab', { name: 'Basic information' }).waitFor();
  for (const name of ['Process, opinions, comments', 'Applicant messages', 'Documents', 'History']) {
    await page.getByRole('tab', { name, exact: true }).waitFor();
  }
  assert.equal(await page.locator('.rec-facts dt').allTextContents().then((x) => x.join('|')), 'Status|Assignees|Due');
  await page.getByRole('tab', { name: 'History', exact: true }).click();
  await page.getByRole('heading', { name: 'History', level: 3 }).waitFor();
  assert.match(await page.locator('.rec-meta').first().textContent(), /^Version \d+ · /);
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  assert.deepEqual(await axe(page), []);

  // dashboard
  await nav.getByRole('link', { name: 'Dashboard', exact: true }).click();
  await hash(page, `#/dashboard?app=${app}`);
  await heading(page, 'Dashboard');
  await page.getByRole('button', { name: 'Show', exact: true }).waitFor();
  await page.getByLabel('Procedure').waitFor();
  const pending = page.locator('[data-kpi=pending]');
  assert.equal(await pending.locator('caption').textContent(), 'In progress by status');
  assert.equal(await pending.locator('tfoot th').textContent(), 'Total');
  await page.getByText('Received this month', { exact: true }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('canvas[role=img]').length >= 1);
  assert.match(await page.locator('canvas[role=img]').first().getAttribute('aria-label'), /^In progress by status: /);
  assert.deepEqual(await axe(page), []);

  // the server's own messages come in English too (Accept-Language follows the setting)
  await hash(page, '#/apps/987654');
  await page.getByText('The app (ID: 987654) not found. The app may have been deleted.').waitFor();

  // 和暦 in English, then Japanese by keyboard: the DATE field of the record follows
  await nav.getByRole('link', { name: 'Account' }).or(page.getByRole('link', { name: 'Account', exact: true })).first().click();
  await heading(page, 'Account');
  await page.getByRole('radio', { name: /^Western years/ }).focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.getByRole('radio', { name: /^Japanese era/ }).isChecked(), true);
  assert.equal(await page.evaluate(() => localStorage.getItem('mado.era')), 'wareki');
  await hash(page, `#/apps/${app}/records/${ids[1]}`);
  await page.getByText('R8-04-01', { exact: true }).waitFor();
  await hash(page, '#/account');
  await page.getByRole('radio', { name: 'English' }).focus();
  await page.keyboard.press('ArrowUp');
  await heading(page, 'アカウント');
  assert.equal(await htmlLang(page), 'ja');
  await hash(page, `#/apps/${app}/records/${ids[1]}`);
  await page.getByText('令和8年4月1日', { exact: true }).waitFor();
  await page.getByRole('button', { name: '編集する' }).waitFor();
  // and back to 西暦: the stored value is the default again
  await hash(page, '#/account');
  await page.getByRole('radio', { name: /^和暦/ }).focus();
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.evaluate(() => localStorage.getItem('mado.era')), 'seireki');
  await hash(page, `#/apps/${app}/records/${ids[1]}`);
  await page.getByText('2026-04-01', { exact: true }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the login screen switches its language before sign-in, and keeps it', async () => {
  const ctx = await browser.newContext({ locale: 'ja-JP' });
  const page = await ctx.newPage();
  const errors = watch(page, /status of 401/); // not signed in yet, then a wrong password
  await page.goto(`${server.url}/staff/`);
  await heading(page, '職員ログイン');
  assert.equal(await page.getByRole('button', { name: 'English' }).getAttribute('lang'), 'en');
  await page.getByRole('button', { name: 'English' }).click();
  await heading(page, 'Staff sign-in');
  assert.equal(await htmlLang(page), 'en');
  await page.getByLabel('Login', { exact: true }).fill(STAFF);
  await page.getByLabel('Password', { exact: true }).fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('alert').getByText('The login or password is not correct.').waitFor();
  assert.deepEqual(await axe(page), []);
  await page.reload();
  await heading(page, 'Staff sign-in');
  await page.getByRole('button', { name: '日本語' }).click();
  await heading(page, '職員ログイン');
  assert.equal(await htmlLang(page), 'ja');
  assert.deepEqual(errors, []);
  await ctx.close();
});
