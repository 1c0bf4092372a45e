// Browser tests of the staff application's sign-in, shell, inbox and account screens (issue
// #8) in Debian's chromium: a new user with a temporary password signs in by keyboard only,
// changes it, enrols TOTP (code computed here, RFC 6238) and sees the recovery codes once; a
// wrong password is refused; the next sign-in with a TOTP code shows the last-login notice and
// the inbox lists a notification from a workflow action done through the API and the record
// assigned to the user with its due date. The cold load of /staff/ up to the inbox is measured
// (bytes as sent, gzip) and must stay under 300 KB. The expiry warning is driven with a fake
// page clock; the session ended on the server brings the login back without losing input.
// axe-core (WCAG 2.1 AA) on every screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createHmac } from 'node:crypto';
import { startServer, launch, axe } from './lib.mjs';

let server, browser, auth, app, record;
const LOGIN = 'kato';
const TEMP = `tmp-${randomBytes(6).toString('hex')}`;
const PW = `pw-${randomBytes(8).toString('hex')}-new`;
let secret = '';
let recovery = [];

async function api(method, path, body) {
  const res = await fetch(`${server.url}${path}`, {
    method, headers: { 'X-Cybozu-Authorization': auth, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/* RFC 6238 TOTP (SHA-1, 30 s, 6 digits) of a base32 secret at step offset `ahead` */
function totp(b32, ahead = 0) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of b32.replace(/[=\s]/g, '').toUpperCase()) bits += alpha.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + ahead));
  const h = createHmac('sha1', key).update(msg).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}

/* signs a browser context in through the API with the password and a recovery code */
async function signIn(ctx) {
  const h = { 'X-Requested-With': 'XMLHttpRequest' };
  let r = await ctx.request.post(`${server.url}/auth/login.json`, { headers: h, data: { login: LOGIN, password: PW } });
  const s = await r.json();
  assert.equal(s.stage, 'mfa');
  r = await ctx.request.post(`${server.url}/auth/mfa.json`, { headers: { ...h, 'X-Request-Token': s.requestToken }, data: { code: recovery.shift() } });
  assert.equal((await r.json()).stage, 'ok');
}

before(async () => {
  server = await startServer({});
  const pw = `pw-${randomBytes(8).toString('hex')}`;
  server.cli(['user', 'add', '--login', 'svc', '--name', 'svc', '--password-stdin', '--admin', '--service'], `${pw}\n`);
  server.cli(['user', 'add', '--login', LOGIN, '--name', '加藤 一郎', '--password-stdin', '--temporary'], `${TEMP}\n`);
  auth = Buffer.from(`svc:${pw}`).toString('base64');
  ({ app } = await api('POST', '/k/v1/preview/app.json', { name: '道路占用許可' }));
  await api('POST', '/k/v1/preview/app/form/fields.json', { app, properties: {
    件名: { type: 'SINGLE_LINE_TEXT', code: '件名', label: '件名' } } });
  const who = { type: 'ANY', entities: [{ entity: { type: 'USER', code: LOGIN } }] };
  await api('PUT', '/k/v1/preview/app/status.json', { app, enable: true,
    states: { 受付中: { name: '受付中', index: '0', assignee: { type: 'ANY', entities: [{ entity: { type: 'USER', code: 'svc' } }] } },
      審査中: { name: '審査中', index: '1', assignee: who }, 完了: { name: '完了', index: '2' } },
    actions: [{ name: '審査へ', from: '受付中', to: '審査中' }, { name: '完了', from: '審査中', to: '完了' }] });
  await api('PUT', '/k/v1/preview/app/clock.json', { app, enable: true, days: 10, startStatuses: ['受付中'], stopStatuses: ['完了'] });
  await api('POST', '/k/v1/preview/app/deploy.json', { apps: [{ app }] });
  for (let i = 0; i < 50; i++) {
    const st = await fetch(`${server.url}/k/v1/preview/app/deploy.json?apps[0]=${app}`, { headers: { 'X-Cybozu-Authorization': auth } }).then((r) => r.json());
    if (st.apps?.[0]?.status === 'SUCCESS') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  ({ id: record } = await api('POST', '/k/v1/record.json', { app, record: { 件名: { value: '歩道の占用' } } }));
  await api('PUT', '/k/v1/record/status.json', { app, id: record, action: '審査へ' });
  browser = await launch();
});

after(async () => { await browser?.close(); await server?.stop(); });

async function check(page, what) {
  assert.deepEqual(await axe(page), [], `axe: ${what}`);
}

test('first sign-in by keyboard: temporary password, enrolment, recovery codes; wrong password; TOTP; inbox', async () => {
  const ctx = await browser.newContext({ locale: 'ja-JP' });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/staff/`);
  await page.getByRole('heading', { name: '職員ログイン' }).waitFor();
  await check(page, 'login');
  // the login field has focus: type, Tab, type, Enter
  await page.keyboard.type(LOGIN);
  await page.keyboard.press('Tab');
  await page.keyboard.type(TEMP);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'パスワードの変更' }).waitFor();
  await check(page, 'password change');
  // a policy error from the server: the login itself as the password
  await page.keyboard.type(LOGIN);
  await page.keyboard.press('Tab');
  await page.keyboard.type(LOGIN);
  await page.keyboard.press('Enter');
  await page.getByRole('alert').filter({ hasText: /./ }).waitFor();
  console.log(`# policy error shown: ${await page.getByRole('alert').textContent()}`);
  await page.locator('#new-password').fill('');
  await page.locator('#new-password').focus();
  await page.keyboard.type(PW);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(PW);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: '二要素認証の設定' }).waitFor();
  await page.locator('img.qr').waitFor();
  assert.match(await page.locator('img.qr').getAttribute('src'), /^data:image\/svg\+xml;base64,/);
  secret = (await page.locator('.secret code').textContent()).trim();
  assert.ok(secret.length >= 16);
  await check(page, 'enrolment');
  await page.keyboard.type(totp(secret));
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'リカバリーコード' }).waitFor();
  recovery = await page.locator('ol.recovery-codes code').allTextContents();
  assert.equal(recovery.length, 10);
  await check(page, 'recovery codes');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter'); // 保存しました
  await page.getByRole('heading', { name: '受信箱', level: 1 }).waitFor();
  assert.equal(await page.getByText('前回のログイン').count(), 0); // the first login has none

  // log out; a wrong password; then password + TOTP
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await page.getByRole('heading', { name: '職員ログイン' }).waitFor();
  await page.keyboard.type(LOGIN);
  await page.keyboard.press('Tab');
  await page.keyboard.type('wrong-password');
  await page.keyboard.press('Enter');
  await page.getByRole('alert').getByText('ログイン名またはパスワードが正しくありません').waitFor();
  await check(page, 'wrong password');
  await page.locator('#password').fill('');
  await page.locator('#password').focus();
  await page.keyboard.type(PW);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: '確認コードの入力' }).waitFor({ timeout: 10000 }).catch(async (e) => {
    console.log(`# the page when the code step did not come: ${await page.locator('body').innerText()} / ${await page.locator('#password').inputValue().catch(() => '-')}`);
    throw e;
  });
  await check(page, 'mfa');
  await page.keyboard.type(totp(secret, 1)); // the enrolment used this step's code
  await page.keyboard.press('Enter');
  await page.getByRole('status').getByText(/前回のログイン：.*127\.0\.0\.1/).waitFor();

  // the inbox: the notification of the action, and the assigned record with its due date
  const note = page.locator('table.inbox-table tbody tr');
  await note.first().waitFor();
  assert.ok(await note.count() >= 1);
  assert.equal(await note.first().getAttribute('class'), 'unread');
  assert.equal(await note.first().locator('a').getAttribute('href'), `#/apps/${app}/records/${record}`);
  const mine = page.locator('table.assigned-table tbody tr');
  await mine.first().waitFor();
  assert.equal(await mine.count(), 1);
  assert.match(await mine.first().textContent(), /道路占用許可/);
  assert.match(await mine.first().textContent(), /審査中/);
  assert.match(await mine.first().textContent(), /\d{4}-\d{2}-\d{2}/);
  await check(page, 'inbox');
  await page.getByRole('button', { name: 'すべて既読にする' }).click();
  await page.getByText('（未読 0 件）').waitFor();
  await page.getByRole('button', { name: '閉じる 前回のログインのお知らせ' }).click();
  assert.equal(await page.getByText('前回のログイン').count(), 0);

  await page.getByRole('link', { name: 'アカウント' }).click();
  await page.getByRole('heading', { name: 'アカウント', level: 1 }).waitFor();
  await page.getByText('設定済み').waitFor();
  await check(page, 'account');
  // a wrong current password: the server's error
  await page.locator('#cur-password').fill('not-it');
  await page.locator('#acct-new-password').fill(`${PW}-2`);
  await page.locator('#acct-new-password2').fill(`${PW}-2`);
  await page.keyboard.press('Enter');
  await page.locator('.acct-msg.error-box p').waitFor();
  await ctx.close();
});

test('cold load of /staff/ up to the inbox: bytes as sent and time to the table', async () => {
  const ctx = await browser.newContext({ locale: 'ja-JP' });
  await signIn(ctx);
  const page = await ctx.newPage();
  // the moment the inbox's tables are in the page, seen from inside it
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (document.querySelector('table.assigned-table') && document.querySelector('table.inbox-table')) {
        window.__tti = performance.now();
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let bytes = 0, n = 0;
  const gz = [];
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; n++; });
  cdp.on('Network.responseReceived', (e) => { if (e.response.headers['Content-Encoding'] === 'gzip' || e.response.headers['content-encoding'] === 'gzip') gz.push(e.response.url); });
  await page.goto(`${server.url}/staff/#/inbox`);
  await page.locator('table.assigned-table').waitFor();
  await page.locator('table.inbox-table').waitFor();
  const tti = await page.evaluate(() => window.__tti);
  if (process.env.TIMING) console.log(await page.evaluate(() => performance.getEntriesByType('resource').map((e) => `${e.name.replace(location.origin, '')} ${e.startTime.toFixed(0)}-${e.responseEnd.toFixed(0)}`).join('\n')));
  await page.waitForLoadState('networkidle');
  console.log(`# cold load /staff/ → inbox: ${(bytes / 1024).toFixed(1)} KB in ${n} responses (${gz.length} gzip), inbox table at ${tti.toFixed(0)} ms`);
  assert.ok(bytes < 300 * 1024, `${bytes} bytes`);
  assert.ok(gz.some((u) => u.endsWith('/assets/vendor/preact.module.js') || u.endsWith('/assets/staff/app.js')));
  await ctx.close();
});

test('expiry warning, extension, and the login again after the session ended, input kept', async () => {
  const ctx = await browser.newContext({ locale: 'ja-JP' });
  await signIn(ctx);
  const page = await ctx.newPage();
  await page.clock.install();
  await page.goto(`${server.url}/staff/#/account`);
  await page.locator('#cur-password').waitFor();
  await page.locator('#cur-password').fill('unsaved input');
  await page.clock.fastForward('28:30');
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '延長する');
  await check(page, 'expiry dialog');
  await page.clock.setSystemTime(Date.now()); // back to the server's time before extending
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  // the session ends on the server (as after the idle time); at the deadline the login returns
  const h = { 'X-Requested-With': 'XMLHttpRequest' };
  const s = await (await ctx.request.get(`${server.url}/auth/session.json`, { headers: h })).json();
  await ctx.request.post(`${server.url}/auth/logout.json`, { headers: { ...h, 'X-Request-Token': s.requestToken }, data: {} });
  await page.clock.fastForward('31:00');
  await page.getByText('ログインの有効期限が切れました').waitFor();
  await check(page, 'login after expiry');
  await page.locator('#login').fill(LOGIN);
  await page.locator('#password').fill(PW);
  await page.keyboard.press('Enter');
  await page.locator('#mfa-code').fill(recovery.shift());
  await page.keyboard.press('Enter');
  await page.locator('#cur-password').waitFor();
  assert.equal(await page.locator('#cur-password').inputValue(), 'unsaved input');
  await ctx.close();
});
