// Browser tests of the staff dashboard (#/dashboard, issue #8) in Debian's chromium: an app
// with a process and a legal clock, records moved through status actions into several
// statuses and clock states (running, paused, stopped, none), two of them put past their due
// date by writing their clock columns (the server's clock cannot be moved from here); a staff
// member signs in, opens the dashboard and finds in the tables the figures the API gives;
// Chart.js is loaded only when the dashboard is opened; the office filter is changed by
// keyboard; the overdue list links to the records; axe-core (WCAG 2.1 AA) finds nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, launch, axe, adminCall, dayPlus } from './lib.mjs';

let server, browser, auth, app;
const ids = {};
const STAFF = 'dash-staff';
const STAFF_PW = `pw-${randomBytes(8).toString('hex')}`;

const api = (method, path, body) => adminCall(server, auth, method, path, body);

before(async () => {
  server = await startServer({ MADOGUCHI_SECURITY_MFA_REQUIRED: '0' });
  const pw = `pw-${randomBytes(8).toString('hex')}`;
  server.cli(['user', 'add', '--login', 'dashadmin', '--name', '管理', '--password-stdin', '--admin', '--service'], `${pw}\n`);
  auth = Buffer.from(`dashadmin:${pw}`).toString('base64');
  server.cli(['org', 'add', 'kita', '--name', '北部建築課']);
  server.cli(['org', 'add', 'minami', '--name', '南部建築課']);
  server.cli(['user', 'add', '--login', STAFF, '--name', '窓口 花子', '--org', 'kita', '--password-stdin'], `${STAFF_PW}\n`);
  server.cli(['user', 'add', '--login', 'dash-sysadmin', '--name', '管理 次郎', '--admin', '--password-stdin'], `${STAFF_PW}\n`);
  ({ app } = await api('POST', '/k/v1/preview/app.json', { name: '建築確認申請' }));
  await api('POST', '/k/v1/preview/app/form/fields.json', { app, properties: {
    件名: { type: 'SINGLE_LINE_TEXT', code: '件名', label: '件名' },
    担当課: { type: 'ORGANIZATION_SELECT', code: '担当課', label: '担当課' },
  } });
  await api('PUT', '/k/v1/preview/app/status.json', { app, enable: true,
    states: {
      受付: { name: '受付', index: '0' }, 審査中: { name: '審査中', index: '1' },
      修正待ち: { name: '修正待ち', index: '2' }, 許可: { name: '許可', index: '3' }, 取下げ: { name: '取下げ', index: '4' } },
    actions: [
      { name: '審査開始', from: '受付', to: '審査中' },
      { name: '修正依頼', from: '審査中', to: '修正待ち' },
      { name: '許可する', from: '審査中', to: '許可' },
      { name: '取下げ', from: '審査中', to: '取下げ' }] });
  await api('PUT', '/k/v1/preview/app/clock.json', { app, enable: true, days: 10,
    startStatuses: ['受付'], pauseStatuses: ['修正待ち'], stopStatuses: ['許可', '取下げ'] });
  await api('POST', '/k/v1/preview/app/deploy.json', { apps: [{ app }] });
  const add = async (name, office) => (await api('POST', '/k/v1/record.json', { app, record: {
    件名: { value: name }, 担当課: { value: [{ code: office }] } } })).id;
  const act = (id, action) => api('PUT', '/k/v1/record/status.json', { app, id, action });
  ids.a = await add('受付のまま', 'kita');
  ids.b = await add('審査中', 'kita');
  await act(ids.b, '審査開始');
  ids.c = await add('修正待ち', 'minami');
  await act(ids.c, '審査開始');
  await act(ids.c, '修正依頼');
  ids.d = await add('許可', 'kita');
  await act(ids.d, '審査開始');
  await act(ids.d, '許可する');
  ids.e = await add('取下げ', 'minami');
  await act(ids.e, '審査開始');
  await act(ids.e, '取下げ');
  ids.f = await add('審査中（南）', 'minami');
  await act(ids.f, '審査開始');
  // b and f received weeks ago and past their due date; d took 12 open days (over the period)
  const db = join(server.dir, 'data', 'madoguchi.db');
  const sql = `UPDATE records SET clock_start = '${dayPlus(-40)}', clock_since = '${dayPlus(-40)}', clock_due = '${dayPlus(-20)}'
    WHERE app_id = ${app} AND id IN (${ids.b}, ${ids.f});
    UPDATE records SET clock_due = '${dayPlus(-12)}' WHERE app_id = ${app} AND id = ${ids.f};
    UPDATE records SET clock_used = 12 WHERE app_id = ${app} AND id = ${ids.d};`;
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, sql]);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(login = STAFF) {
  const ctx = await browser.newContext({ locale: 'ja-JP' });
  const res = await ctx.request.post(`${server.url}/auth/login.json`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' }, data: { login, password: STAFF_PW } });
  assert.equal(res.status(), 200, await res.text());
  return ctx;
}

// The rows of a table as [header, cell, ...] text arrays.
function rows(page, sel) {
  return page.$$eval(`${sel} tbody tr, ${sel} tfoot tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
}

async function expectFigures(page, a) {
  const pending = await rows(page, `#dash-app-${a.app} ~ .dash-pair [data-kpi=pending]`);
  assert.deepEqual(pending, [...a.pending.byStatus.map((r) => [r.status, r.count]), ['合計', a.pending.total]]);
  const decided = Object.fromEntries(await rows(page, `#dash-app-${a.app} ~ .dash-pair [data-kpi=decided]`));
  assert.equal(decided['処理件数'], a.decided.count);
  assert.equal(decided['期間内に処理'], a.decided.within);
  assert.equal(decided['期間内の割合（%）'], a.decided.withinPercent ?? '—');
  assert.equal(decided['平均処理日数（開庁日）'], a.decided.averageDays ?? '—');
  assert.equal(decided['90パーセンタイル（開庁日）'], a.decided.p90Days ?? '—');
  const overdue = await rows(page, `[data-kpi=overdue]`);
  assert.deepEqual(overdue, a.overdue.records.map((r) => [r.id, `期限超過 ${r.status}`, r.due, r.daysOver]));
  const cards = await page.$$eval('.dash-card', (els) => Object.fromEntries(els.map((e) => [e.querySelector('dt').textContent, e.querySelector('dd').textContent])));
  assert.equal(cards['今月の受付'], `${a.received.month}件`);
  assert.equal(cards['今年度の受付'], `${a.received.fiscalYear}件`);
  assert.equal(cards['期限超過'], `${a.overdue.count}件`);
}

test('the dashboard shows the API figures, filters by keyboard, passes axe', async () => {
  const ctx = await signedIn();
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // axe is injected through devtools when the CSP refuses its inline script: that refusal is
  // the helper's, not the screen's
  page.on('console', (m) => m.type() === 'error' && !/Content Security Policy|favicon/.test(m.text() + m.location().url) && errors.push(`${m.text()} ${m.location().url}`));
  page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`));
  await page.goto(`${server.url}/staff/#/inbox`);
  await page.waitForSelector('main');
  assert.equal(await page.$('script[src*="chart.umd"]'), null, 'Chart.js is not part of the cold load');

  await page.goto(`${server.url}/staff/#/dashboard?app=${app}`);
  await page.waitForSelector('[data-kpi=overdue]');
  await page.waitForFunction(() => window.Chart && document.querySelectorAll('canvas[role=img]').length === 2);
  const all = (await api('GET', `/api/kpi.json?app=${app}`)).apps[0];
  assert.equal(all.pending.total, '4'); // a (受付), b, f (審査中), c (修正待ち)
  assert.equal(all.decided.count, '2');
  assert.equal(all.decided.within, '1');
  assert.equal(all.overdue.count, '2');
  assert.equal(all.overdue.records[0].id, String(ids.b)); // the longer overdue first
  await expectFigures(page, all);
  const label = await page.getAttribute(`#pending-${app}`, 'aria-label');
  assert.match(label, /審査中 2件/);
  assert.equal(await page.getAttribute(`[data-kpi=overdue] a >> nth=0`, 'href'), `#/apps/${app}/records/${ids.b}`);
  assert.deepEqual(await axe(page), []);

  // office by keyboard: focus the select, move to the next option (北部建築課), submit with Enter
  await page.focus('#dash-office');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue('#dash-office'), 'kita');
  await page.keyboard.press('Tab'); // into the period fields, then to 表示
  await page.focus('.dash-filter button[type=submit]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('office=kita'));
  await page.waitForSelector('[data-kpi=overdue]');
  const kita = (await api('GET', `/api/kpi.json?app=${app}&office=kita`)).apps[0];
  assert.equal(kita.pending.total, '2'); // a, b
  assert.equal(kita.overdue.count, '1');
  await page.waitForFunction((n) => document.querySelector('[data-kpi=pending] tfoot td')?.textContent === n, kita.pending.total);
  await expectFigures(page, kita);

  // the overdue link opens the record screen's route
  await page.click(`[data-kpi=overdue] a >> nth=0`);
  await page.waitForFunction((h) => location.hash === h, `#/apps/${app}/records/${ids.b}`);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('bad filter values show the server message', async () => {
  const ctx = await signedIn();
  const page = await ctx.newPage();
  await page.goto(`${server.url}/staff/#/dashboard?app=${app}&from=2026-05-01&to=2026-04-01`);
  const alert = await page.waitForSelector('[role=alert]');
  assert.match(await alert.textContent(), /入力内容が正しくありません|開始日は終了日以前/);
  assert.deepEqual(await axe(page), []);
  await ctx.close();
});

test('administrators see on the dashboard that no backup has been taken; others do not', async () => {
  let ctx = await signedIn('dash-sysadmin');
  let page = await ctx.newPage();
  await page.goto(`${server.url}/staff/#/dashboard`);
  const alert = page.locator('.dash-backup-alert[role=alert]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /まだバックアップが取られていません。/);
  assert.equal(await alert.getByRole('link', { name: 'バックアップを確認する' }).getAttribute('href'), '#/backups');
  assert.deepEqual(await axe(page), []);
  await ctx.close();
  ctx = await signedIn();
  page = await ctx.newPage();
  await page.goto(`${server.url}/staff/#/dashboard`);
  await page.getByRole('heading', { level: 1, name: 'ダッシュボード' }).waitFor();
  await page.locator('[data-kpi=pending]').first().waitFor();
  assert.equal(await page.locator('.dash-backup-alert').count(), 0);
  await ctx.close();
});
