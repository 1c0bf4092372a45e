// Browser tests of the staff record list (issue #8) in Debian's chromium: an app with 250 records
// seeded through the API; the apps screen; a saved view (its filter, sort and the colour rule kept
// in the view's madoguchiHighlight key); a Japanese search written in half-width kana; filters
// built by clicks and by keyboard; sort by column header (aria-sort); pages and page size; a bulk
// status action on two selected rows, and one refused all-or-nothing with the server's message;
// CSV and XLSX exports (download events); axe-core (WCAG 2.1 AA). Prints the median time from the
// data's arrival to a laid-out 100-row table over 5 loads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { startServer, launch, axe, waitFor } from './lib.mjs';

let server, browser, auth, app;
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
  server = await startServer({ MADOGUCHI_SECURITY_MFA_REQUIRED: '0' });
  server.cli(['user', 'add', '--login', 'recadmin', '--name', '管理', '--password-stdin', '--admin', '--service'], `${PW}\n`);
  server.cli(['user', 'add', '--login', 'clerk', '--name', '窓口 花子', '--password-stdin'], `${PW}\n`);
  auth = Buffer.from(`recadmin:${PW}`).toString('base64');
  ({ app } = await api('POST', '/k/v1/preview/app.json', { name: '道路占用許可申請' }));
  await api('POST', '/k/v1/preview/app/form/fields.json', { app, properties: {
    件名: { type: 'SINGLE_LINE_TEXT', code: '件名', label: '件名' },
    申請者: { type: 'SINGLE_LINE_TEXT', code: '申請者', label: '申請者' },
    区分: { type: 'DROP_DOWN', code: '区分', label: '区分', options: { 一般: { label: '一般', index: '0' }, 急ぎ: { label: '急ぎ', index: '1' } } },
    面積: { type: 'NUMBER', code: '面積', label: '面積' },
  } });
  await api('PUT', '/k/v1/preview/app/status.json', { app, enable: true,
    states: { 未対応: { name: '未対応', index: '0' }, 審査中: { name: '審査中', index: '1' } },
    actions: [{ name: '審査開始', from: '未対応', to: '審査中' }] });
  await api('PUT', '/k/v1/preview/app/views.json', { app, views: {
    すべて: { type: 'LIST', index: '0', fields: ['件名', '申請者', '区分', '面積'], sort: '面積 asc' },
    急ぎ: { type: 'LIST', index: '1', fields: ['件名', '区分', '面積'], filterCond: '区分 in ("急ぎ")', sort: '面積 desc',
      madoguchiHighlight: { untouchedStatus: '未対応', untouchedDays: 0 } },
  } });
  await api('PUT', '/k/v1/preview/app/clock.json', { app, enable: true, days: 14, startStatuses: ['未対応'] });
  await api('POST', '/k/v1/preview/app/deploy.json', { apps: [{ app }] });
  await waitFor(async () => (await api('GET', `/k/v1/preview/app/deploy.json?apps[0]=${app}`)).apps[0].status === 'SUCCESS', 'deploy');
  for (let start = 1; start <= 250; start += 100) {
    const records = [];
    for (let i = start; i < start + 100 && i <= 250; i++) {
      records.push({
        件名: { value: `申請${i}` },
        申請者: { value: i % 50 === 0 ? 'セタガヤ商店' : '山田' },
        区分: { value: i % 5 === 0 ? '急ぎ' : '一般' },
        面積: { value: String(i) },
      });
    }
    await api('POST', '/k/v1/records.json', { app, records });
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn() {
  const ctx = await browser.newContext({ acceptDownloads: true });
  const r = await ctx.request.post(`${server.url}/auth/login.json`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' }, data: { login: 'clerk', password: PW } });
  assert.equal(r.status(), 200, await r.text());
  assert.equal((await r.json()).stage, 'ok');
  return ctx;
}

const count = (page) => page.locator('p.count');
const firstCell = (page, col) => page.locator(`table.list tbody tr:first-child td:nth-child(${col})`);

test('apps, views, search, filters, sort, pages, bulk status, exports', async () => {
  const ctx = await signedIn();
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/staff/#/apps`);
  const link = page.getByRole('link', { name: '道路占用許可申請' });
  await link.waitFor();
  assert.deepEqual(await axe(page), []);
  await link.click();

  // the default view: columns and sort from the view, 100 per page
  await page.locator('table.list tbody tr').nth(99).waitFor();
  await waitFor(async () => (await count(page).textContent()) === '250件中 1–100件', 'count');
  assert.equal(await firstCell(page, 7).textContent(), '1'); // 面積 asc
  assert.equal(await page.getByRole('link', { name: '新規作成（窓口申請）' }).getAttribute('href'), `#/apps/${app}/records/new`);
  assert.equal(await page.locator('table.list tbody tr:first-child td:nth-child(2) a').getAttribute('href'),
    `#/apps/${app}/records/${await page.locator('table.list tbody tr:first-child td:nth-child(2) a').textContent()}`);
  assert.deepEqual(await axe(page), []);

  // render time: 5 loads of a 100-row page (sort toggles)
  const area = page.getByRole('button', { name: /^面積/ });
  const marks = async () => ((await page.locator('html').getAttribute('data-list-render')) || '').split(' ').filter(Boolean);
  const areaTh = page.locator('th', { has: area });
  for (let i = 0; i < 5; i++) {
    const before = (await marks()).length;
    await area.click();
    const want = i % 2 === 0 ? 'ascending' : 'descending';
    await waitFor(async () => (await areaTh.getAttribute('aria-sort')) === want, 'sorted');
    if (i > 0) await waitFor(async () => (await marks()).length > before, 'render mark');
  }
  const times = (await marks()).slice(-5).map(Number).sort((a, b) => a - b);
  console.log(`# list render (100 rows, data → laid-out table): median ${times[2].toFixed(1)} ms of ${times.join(', ')}`);

  // a view with its own filter and sort, and the amber rule from its madoguchiHighlight key
  await page.getByLabel('一覧').selectOption('急ぎ');
  await waitFor(async () => (await count(page).textContent()) === '50件中 1–50件', 'view count');
  assert.equal(await firstCell(page, 6).textContent(), '250'); // 面積 desc
  assert.equal(await page.locator('table.list tbody tr.untouched').count(), 50);
  assert.equal(await page.locator('table.list tbody tr:first-child .chip.untouched').textContent(), '未対応 0日');
  await page.getByLabel('一覧').selectOption('すべて');
  await waitFor(async () => (await count(page).textContent()) === '250件中 1–100件', 'back');
  assert.equal(await page.locator('.chip.untouched').count(), 0); // 3 days in the default rule

  // search in half-width kana (the server folds 全角/半角), by keyboard
  await page.getByLabel('キーワード検索').fill('ｾﾀｶﾞﾔ');
  await page.getByLabel('キーワード検索').press('Enter');
  await waitFor(async () => (await count(page).textContent()) === '5件中 1–5件', 'search');
  await page.getByLabel('キーワード検索').fill('');
  await page.getByRole('button', { name: '検索' }).click();
  await waitFor(async () => (await count(page).textContent()) === '250件中 1–100件', 'search cleared');

  // filters by clicks: 面積 以上 200 (mouse), 区分 いずれか 急ぎ (keyboard)
  await page.getByLabel('項目').selectOption('面積');
  await page.getByRole('combobox', { name: /^条件/ }).selectOption('>=');
  await page.getByLabel('値', { exact: true }).fill('200');
  await page.getByRole('button', { name: '条件を追加' }).click();
  await waitFor(async () => (await count(page).textContent()) === '51件中 1–51件', 'filter 1');
  await page.getByLabel('項目').selectOption('区分');
  await page.getByRole('checkbox', { name: '急ぎ' }).focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await waitFor(async () => (await count(page).textContent()) === '11件中 1–11件', 'filter 2');
  assert.equal(await page.locator('.filter-chips .chip').nth(1).textContent(), '区分 いずれか 急ぎ');

  // sort by header, mouse then keyboard; aria-sort follows
  const th = page.locator('th', { has: area });
  await area.click();
  await waitFor(async () => (await th.getAttribute('aria-sort')) === 'ascending' && (await firstCell(page, 7).textContent()) === '200', 'asc');
  await area.focus();
  await page.keyboard.press('Enter');
  await waitFor(async () => (await th.getAttribute('aria-sort')) === 'descending' && (await firstCell(page, 7).textContent()) === '250', 'desc');
  await page.getByRole('button', { name: /条件「区分/ }).click();
  await page.getByRole('button', { name: /条件「面積/ }).click();

  // pages and page size
  await waitFor(async () => (await count(page).textContent()) === '250件中 1–100件', 'unfiltered');
  await page.getByRole('button', { name: '次へ' }).click();
  await waitFor(async () => (await count(page).textContent()) === '250件中 101–200件', 'page 2');
  await page.getByLabel('表示件数').selectOption('50');
  await waitFor(async () => (await count(page).textContent()) === '250件中 1–50件', 'size 50');
  assert.equal(await page.locator('table.list tbody tr').count(), 50);

  // bulk status on two rows (records 250 and 249: 面積 desc)
  const ids = await page.locator('table.list tbody tr td:nth-child(2) a').allTextContents();
  await page.getByLabel(`レコード${ids[0]}を選択`).check();
  await page.getByLabel(`レコード${ids[1]}を選択`).check();
  await page.getByLabel('一括操作').waitFor();
  await page.getByRole('button', { name: '実行' }).click();
  await page.getByText('2件に「審査開始」を実行しました。').waitFor();
  for (const id of ids.slice(0, 2)) {
    const r = await api('GET', `/k/v1/record.json?app=${app}&id=${id}`);
    assert.equal(r.record.ステータス.value, '審査中');
  }
  // all or nothing: a 未対応 record first, then one already 審査中 → the server's refusal
  await page.getByLabel(`レコード${ids[2]}を選択`).check();
  await page.getByLabel(`レコード${ids[0]}を選択`).check();
  await page.getByLabel('一括操作').waitFor();
  await page.getByRole('button', { name: '実行' }).click();
  const alert = page.locator('p.error[role=alert]');
  await alert.waitFor();
  assert.ok((await alert.textContent()).length > 3);
  assert.equal((await api('GET', `/k/v1/record.json?app=${app}&id=${ids[2]}`)).record.ステータス.value, '未対応');
  await page.getByLabel(`レコード${ids[2]}を選択`).uncheck();
  await page.getByLabel(`レコード${ids[0]}を選択`).uncheck();

  // exports of everything shown (no selection): CSV with BOM and labels, XLSX a zip
  let [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV（UTF-8）' }).click()]);
  let bytes = readFileSync(await dl.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8').slice(1);
  assert.match(text.split('\r\n')[0], /"件名","申請者","区分","面積"/);
  assert.equal(text.trimEnd().split('\r\n').length, 251);
  assert.match(dl.suggestedFilename(), /^道路占用許可申請_\d{4}-\d\d-\d\d\.csv$/);
  [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Excel' }).click()]);
  bytes = readFileSync(await dl.path());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  assert.ok(bytes.includes(Buffer.from('xl/worksheets/sheet1.xml')));
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

// Overdue rows: the clock's answer for today decides (a real overdue record needs weeks to pass,
// so the page's clock request is answered here: the first record of the page is late).
test('overdue and untouched chips carry text; 期限超過のみ filters with $overdue', async () => {
  const ctx = await signedIn();
  const page = await ctx.newPage();
  const queries = [];
  await page.route('**/k/v1/records/clock.json*', async (route) => {
    const ids = new URL(route.request().url()).searchParams;
    const list = [...ids.entries()].filter(([k]) => k.startsWith('ids')).map(([, v]) => v);
    await route.fulfill({ contentType: 'application/json', body: JSON.stringify({ clocks: list.map((id, i) => ({
      id, state: 'running', start: '2026-04-01', due: '2026-04-15', daysUsed: i === 0 ? '15' : '4',
      daysLeft: i === 0 ? '-1' : '10', overdue: i === 0, pausedDays: '0' })) }) });
  });
  page.on('request', (r) => { if (r.url().includes('/records.json')) queries.push(new URL(r.url()).searchParams.get('query')); });
  await page.goto(`${server.url}/staff/#/apps/${app}`);
  await page.locator('table.list tbody tr').nth(99).waitFor();
  const first = page.locator('table.list tbody tr').first();
  assert.equal(await first.getAttribute('class'), 'overdue');
  assert.equal(await first.locator('.chip.overdue').textContent(), '期限超過（期限 2026-04-15）');
  // 4 open days in 未対応 ≥ the default 3: amber, with its text
  const second = page.locator('table.list tbody tr').nth(1);
  assert.equal(await second.getAttribute('class'), 'untouched');
  assert.equal(await second.locator('.chip.untouched').textContent(), '未対応 4日');
  await page.getByRole('button', { name: '期限超過のみ' }).click();
  await waitFor(async () => (await page.getByRole('button', { name: '期限超過のみ' }).getAttribute('aria-pressed')) === 'true', 'pressed');
  await waitFor(() => queries.some((q) => q.startsWith('$overdue = "true"')), 'the $overdue query');
  await waitFor(async () => (await count(page).textContent()) === '0件中 0–0件', 'none overdue really');
  // a value with a quote, a backslash and query words stays one quoted literal
  await page.getByLabel('項目').selectOption('件名');
  await page.getByLabel('値', { exact: true }).fill('x" or 件名 like "申請');
  await page.getByLabel('値', { exact: true }).press('Enter');
  await waitFor(() => queries.some((q) => q.includes('件名 like "x\\" or 件名 like \\"申請"')), 'the escaped query');
  await waitFor(async () => (await count(page).textContent()) === '0件中 0–0件', 'no record has that text');
  assert.equal(await page.locator('p.error').count(), 0);
  assert.deepEqual(await axe(page), []);
  await ctx.close();
});
