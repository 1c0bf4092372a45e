// The screenshots in docs/img/ that the README and the staff manual show: `make screenshots`.
// Starts the real server on a fresh data directory, builds one fictional procedure (a 53条 permit
// with the ward's approval chain and the legal clock) through the public API, files 60 fictional
// applications spread over the statuses, signs a staff member in and photographs the inbox, the
// record list, the record screen, the dashboard, the public form and the applicant portal.
// Not a test: nothing is asserted beyond the pages loading. Run it after changing a screen.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, startSmtp, launch, mailText, waitFor, adminCall } from './lib.mjs';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'img');
const STAFF = 'tanaka', STAFF_PW = `pw-${randomBytes(8).toString('hex')}`;
const VIEWPORT = { width: 1280, height: 800 };

const smtp = await startSmtp();
const server = await startServer({
  MADOGUCHI_SECURITY_MFA_REQUIRED: '0',
  MADOGUCHI_MAIL_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
  MADOGUCHI_MAIL_FROM: 'noreply@city.example.jp',
  MADOGUCHI_MAIL_STARTTLS: 'off',
});
const pw = `pw-${randomBytes(8).toString('hex')}`;
server.cli(['user', 'add', '--login', 'shotadmin', '--password-stdin', '--admin', '--service'], `${pw}\n`);
const auth = Buffer.from(`shotadmin:${pw}`).toString('base64');
server.cli(['org', 'add', 'toshikei', '--name', '都市計画課']);
server.cli(['org', 'add', 'kitazawa', '--name', '北沢総合支所 街づくり課']);
server.cli(['org', 'add', 'tamagawa', '--name', '玉川総合支所 街づくり課']);
server.cli(['user', 'add', '--login', STAFF, '--name', '田中 美咲', '--org', 'toshikei', '--password-stdin'], `${STAFF_PW}\n`);
server.cli(['user', 'add', '--login', 'kakaricho', '--name', '山本 健一', '--org', 'toshikei', '--password-stdin'], `${STAFF_PW}\n`);

const api = (method, path, body) => adminCall(server, auth, method, path, body);

const opt = (...xs) => Object.fromEntries(xs.map((x, i) => [x, { label: x, index: String(i) }]));
const { app } = await api('POST', '/k/v1/preview/app.json', { name: '都市計画法第53条許可申請' });
await api('POST', '/k/v1/preview/app/form/fields.json', { app, properties: {
  受付番号: { type: 'SINGLE_LINE_TEXT', code: '受付番号', label: '受付番号' },
  申請者氏名: { type: 'SINGLE_LINE_TEXT', code: '申請者氏名', label: '申請者氏名' },
  申請者住所: { type: 'SINGLE_LINE_TEXT', code: '申請者住所', label: '申請者住所' },
  電話番号: { type: 'SINGLE_LINE_TEXT', code: '電話番号', label: '電話番号' },
  建築場所: { type: 'SINGLE_LINE_TEXT', code: '建築場所', label: '建築場所（地名地番）' },
  敷地面積: { type: 'NUMBER', code: '敷地面積', label: '敷地面積', unit: '㎡', unitPosition: 'AFTER' },
  構造: { type: 'DROP_DOWN', code: '構造', label: '構造', options: opt('木造', '鉄骨造', '鉄筋コンクリート造') },
  階数: { type: 'NUMBER', code: '階数', label: '階数（地上）' },
  担当課: { type: 'ORGANIZATION_SELECT', code: '担当課', label: '担当課' },
  担当者: { type: 'USER_SELECT', code: '担当者', label: '担当者' },
  申請者: { type: 'GROUP', code: '申請者', label: '申請者' },
  建築物: { type: 'GROUP', code: '建築物', label: '建築物' },
} });
const { properties } = await api('GET', `/k/v1/preview/app/form/fields.json?app=${app}`);
const row = (...codes) => ({ type: 'ROW', fields: codes.map((code) => ({ type: properties[code].type, code })) });
await api('PUT', '/k/v1/preview/app/form/layout.json', { app, layout: [
  row('受付番号', '担当課', '担当者'),
  { type: 'GROUP', code: '申請者', layout: [row('申請者氏名', '電話番号'), row('申請者住所')] },
  { type: 'GROUP', code: '建築物', layout: [row('建築場所'), row('敷地面積', '構造', '階数')] }] });
const me = { type: 'ONE', entities: [{ entity: { type: 'USER', code: STAFF } }] };
await api('PUT', '/k/v1/preview/app/status.json', { app, enable: true,
  states: {
    受付中: { name: '受付中', index: '0' },
    受付: { name: '受付', index: '1', applicantLabel: '受付済み', assignee: me },
    審査中: { name: '審査中', index: '2', applicantLabel: '審査中', assignee: me },
    修正待ち: { name: '修正待ち', index: '3', applicantLabel: '修正依頼中' },
    係長確認: { name: '係長確認', index: '4', applicantLabel: '審査中', assignee: { type: 'ONE', entities: [{ entity: { type: 'USER', code: 'kakaricho' } }] } },
    決裁完了: { name: '決裁完了', index: '5', applicantLabel: '許可' },
    取下げ: { name: '取下げ', index: '6', applicantLabel: '取下げ' } },
  actions: [
    { name: '受付する', from: '受付中', to: '受付', set: [{ field: '受付番号', value: { sequence: 'shot-53', format: '世都計第{n:4}号', reset: 'NONE' } }] },
    { name: '審査開始', from: '受付', to: '審査中' },
    { name: '修正依頼', from: '審査中', to: '修正待ち' },
    { name: '修正回答', from: '修正待ち', to: '審査中', applicantReply: true },
    { name: '係長へ回付', from: '審査中', to: '係長確認' },
    { name: '差戻し', from: '係長確認', to: '審査中', reason: 'REQUIRED' },
    { name: '決裁', from: '係長確認', to: '決裁完了' },
    { name: '取下げ', from: '審査中', to: '取下げ', reason: 'REQUIRED' }] });
await api('PUT', '/k/v1/preview/app/clock.json', { app, enable: true, days: 14,
  startStatuses: ['受付'], pauseStatuses: ['修正待ち'], stopStatuses: ['決裁完了', '取下げ'] });
await api('POST', '/k/v1/preview/app/deploy.json', { apps: [{ app }] });
await api('PUT', '/admin/api/forms.json', { form: {
  code: 'art53', app: Number(app), title: '都市計画法第53条許可申請', procedure: '都市計画施設等の区域内における建築',
  receipt: { sequence: 'shot-art53', format: 'W{n:5}' },
  pages: [
    { title: '申請者', sections: [{ title: '申請者', fields: [
      { code: '申請者氏名', rules: { required: true } }, { code: '申請者住所', rules: { required: true } },
      { code: '電話番号', rules: { required: true } }] }] },
    { title: '建築物', sections: [{ title: '建築物', fields: [
      { code: '建築場所', rules: { required: true } }, { code: '敷地面積', rules: { required: true, min: 1 } },
      { code: '構造', rules: { required: true } }, { code: '階数', rules: { required: true, min: 1, max: 3 } }] }] }] } });
await api('POST', '/admin/api/form/publish.json', { code: 'art53' });

// 60 fictional applications: names and places are made up.
const family = ['佐藤', '鈴木', '高橋', '伊藤', '渡辺', '中村', '小林', '加藤', '吉田', '山田', '松本', '井上'];
const given = ['太郎', '花子', '一郎', '陽子', '健太', '真理', '大輔', '由美', '翔', '恵'];
const towns = ['北沢二丁目', '代沢五丁目', '奥沢三丁目', '玉川田園調布一丁目', '若林四丁目', '太子堂二丁目', '経堂一丁目', '上馬三丁目'];
const kinds = ['木造', '鉄骨造', '鉄筋コンクリート造'];
const offices = ['toshikei', 'kitazawa', 'tamagawa'];
const records = Array.from({ length: 60 }, (_, i) => ({
  申請者氏名: { value: `${family[i % family.length]} ${given[(i * 7) % given.length]}` },
  申請者住所: { value: `東京都世田谷区${towns[(i * 3) % towns.length]}${(i % 20) + 1}番${(i % 9) + 1}号` },
  電話番号: { value: `03-0000-${String(1000 + i).slice(-4)}` },
  建築場所: { value: `世田谷区${towns[i % towns.length]}${100 + i}番` },
  敷地面積: { value: String(80 + ((i * 37) % 220)) },
  構造: { value: kinds[i % 3] },
  階数: { value: String((i % 3) + 1) },
  担当課: { value: [{ code: offices[i % 3] }] },
  担当者: { value: [{ code: STAFF }] },
}));
const { ids } = await api('POST', '/k/v1/records.json', { app, records });
// Status actions as the app's API token: tokens act as the app's administrator (kintone's rule),
// so the fictional records can move on without signing in as each assignee.
const token = server.cli(['token', 'add', '--app', String(app), '--view', '--edit']).trim().split('\n').pop();
const act = async (id, action, reason) => {
  const r = await fetch(`${server.url}/k/v1/record/status.json`, { method: 'PUT',
    headers: { 'X-Cybozu-API-Token': token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ app, id, action, ...(reason ? { reason } : {}) }) });
  if (!r.ok) throw new Error(`${action} on ${id}: ${r.status} ${await r.text()}`);
};
const path = [['受付する'], ['受付する', '審査開始'], ['受付する', '審査開始', '修正依頼'],
  ['受付する', '審査開始', '係長へ回付'], ['受付する', '審査開始', '係長へ回付', '決裁']];
for (const [i, id] of ids.entries()) {
  if (i % 10 === 9) continue; // a few not yet received
  for (const action of path[i % path.length]) {
    await act(id, action);
  }
  if (i % 17 === 3) await act(id, '取下げ', '申請者から取下げの申出があったため').catch(() => {});
}
// Spread the receipts over the last months and put three past their due date: the server's clock
// cannot be moved from here, so the clock columns are written directly (as the dashboard test does).
{
  const { execFileSync } = await import('node:child_process');
  const day = (n) => new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
  const stmts = ids.map((id, i) => {
    const start = -((i * 5) % 300) - 3;
    return `UPDATE records SET clock_start = '${day(start)}',
      clock_since = CASE WHEN clock_state = 'stopped' THEN '${day(Math.min(start + 16 + (i % 9), 0))}' ELSE '${day(start)}' END,
      clock_used = CASE WHEN clock_state = 'stopped' THEN ${6 + ((i * 7) % 12)} ELSE clock_used END
      ${i % 20 === 1 ? `, clock_due = '${day(-4 - (i % 5))}'` : ''}
      WHERE app_id = ${app} AND id = ${id} AND clock_start IS NOT NULL;`;
  });
  execFileSync('sqlite3', [join(server.dir, 'data', 'madoguchi.db')], { input: stmts.join('\n') });
}
await api('POST', '/k/v1/record/comment.json', { app, record: ids[1], comment: { text: '配置図の縮尺を確認してください。' } });

const browser = await launch();
mkdirSync(OUT, { recursive: true });
const ctx = await browser.newContext({ locale: 'ja-JP', viewport: VIEWPORT, deviceScaleFactor: 1 });
const res = await ctx.request.post(`${server.url}/auth/login.json`, {
  headers: { 'X-Requested-With': 'XMLHttpRequest' }, data: { login: STAFF, password: STAFF_PW } });
if (res.status() !== 200) throw new Error(`login: ${res.status()} ${await res.text()}`);
const page = await ctx.newPage();
const shot = async (name, hash, ready) => {
  await page.goto(`${server.url}/staff/${hash}`);
  await page.locator(ready).first().waitFor({ timeout: 15000 });
  await page.waitForTimeout(400); // charts and fonts settle
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`docs/img/${name}.png`);
};
await shot('staff-inbox', '#/inbox', 'table tbody tr');
await shot('staff-records', `#/apps/${app}`, 'table tbody tr');
await shot('staff-record', `#/apps/${app}/records/${ids[1]}`, '[role=tablist]');
await shot('staff-dashboard', '#/dashboard', 'canvas');

// The applicant side: the public form after e-mail verification, and the portal.
const pub = await browser.newContext({ locale: 'ja-JP', viewport: VIEWPORT });
const pp = await pub.newPage();
await pp.goto(`${server.url}/apply/art53`);
const n = smtp.mails.length;
await pp.getByLabel('メールアドレス').fill('shinsei@example.jp');
await pp.getByRole('button', { name: '確認コードを送る' }).click();
const mail = await waitFor(() => smtp.mails.slice(n).find((m) => m.to.includes('shinsei@example.jp')), 'the code mail');
await pp.getByLabel(/確認コード/).fill(/確認コード: (\d{6})/.exec(mailText(mail.raw))[1]);
await pp.getByRole('button', { name: '確認する' }).click();
await pp.waitForURL(/\/apply\/art53/);
await pp.getByLabel(/^申請者氏名/).fill('世田谷 一郎');
await pp.getByLabel(/^申請者住所/).fill('東京都世田谷区北沢二丁目1番1号');
await pp.getByLabel(/^電話番号/).fill('03-0000-0000');
await pp.screenshot({ path: join(OUT, 'apply-form.png') });
console.log('docs/img/apply-form.png');
await pp.getByRole('button', { name: '次へ進む' }).click();
await pp.getByLabel(/^建築場所/).fill('世田谷区北沢二丁目100番');
await pp.getByLabel(/^敷地面積/).fill('120');
await pp.getByLabel(/^構造/).selectOption('木造');
await pp.getByLabel(/^階数/).fill('2');
await pp.getByRole('button', { name: '次へ進む' }).click();
await pp.getByRole('button', { name: '申請する' }).click();
await pp.locator('.receipt').waitFor();
await pp.goto(`${server.url}/my/`);
await pp.screenshot({ path: join(OUT, 'portal-list.png') });
console.log('docs/img/portal-list.png');

await browser.close();
await server.stop();
await smtp.close();
