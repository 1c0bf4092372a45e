// Browser test of the staff record screen (issue #8) in Debian's chromium: an application filed
// online, then by keyboard and mouse: the header and its receipt number from 受付する, field
// tabs, an edit, a conflict merged field by field, an action with a required reason through the
// dialog, an opinion and a comment, a correction request from the thread panel, a document
// issued and delivered, the history diff and a restore, and a paper application. axe-core
// (WCAG 2.1 AA) on the screen in view and edit mode and on the dialog.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, startSmtp, launch, axe, mailText, waitFor } from './lib.mjs';

let server, smtp, browser, auth, app;
const STAFF = 'sato', STAFF_PW = `pw-${randomBytes(8).toString('hex')}-staff`;

async function api(method, path, body) {
  const res = await fetch(`${server.url}${path}`, {
    method, headers: { 'X-Cybozu-Authorization': auth, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function dayPlus(n) {
  return new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}

before(async () => {
  smtp = await startSmtp();
  server = await startServer({
    MADOGUCHI_MAIL_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    MADOGUCHI_MAIL_FROM: 'noreply@city.example.jp',
    MADOGUCHI_MAIL_STARTTLS: 'off',
    MADOGUCHI_SECURITY_MFA_REQUIRED: '0',
  });
  const pw = `pw-${randomBytes(8).toString('hex')}`;
  server.cli(['user', 'add', '--login', 'recadmin', '--password-stdin', '--admin', '--service'], `${pw}\n`);
  server.cli(['user', 'add', '--login', STAFF, '--name', '佐藤 花子', '--password-stdin', '--admin'], `${STAFF_PW}\n`);
  server.cli(['user', 'add', '--login', 'suzuki', '--name', '鈴木 一郎', '--password-stdin'], `${STAFF_PW}\n`);
  auth = Buffer.from(`recadmin:${pw}`).toString('base64');
  ({ app } = await api('POST', '/k/v1/preview/app.json', { name: '屋外広告物の許可申請' }));
  const opt = (...xs) => Object.fromEntries(xs.map((x, i) => [x, { label: x, index: String(i) }]));
  await api('POST', '/k/v1/preview/app/form/fields.json', { app, properties: {
    受付番号: { type: 'SINGLE_LINE_TEXT', code: '受付番号', label: '受付番号' },
    氏名: { type: 'SINGLE_LINE_TEXT', code: '氏名', label: '氏名' },
    面積: { type: 'NUMBER', code: '面積', label: '表示面積' },
    申請日: { type: 'DATE', code: '申請日', label: '申請日' },
    用途: { type: 'DROP_DOWN', code: '用途', label: '用途', options: opt('住宅', '店舗') },
    店舗面積: { type: 'NUMBER', code: '店舗面積', label: '店舗面積' },
    設備: { type: 'CHECK_BOX', code: '設備', label: '設備', options: opt('照明', '可動') },
    地域: { type: 'SINGLE_LINE_TEXT', code: '地域', label: '地域' },
    町名: { type: 'SINGLE_LINE_TEXT', code: '町名', label: '町名' },
    担当者: { type: 'USER_SELECT', code: '担当者', label: '担当者' },
    申請内容: { type: 'GROUP', code: '申請内容', label: '申請内容' },
    所在地: { type: 'GROUP', code: '所在地', label: '所在地' },
  } });
  const row = (...codes) => ({ type: 'ROW', fields: codes.map((code) => ({ type: 'X', code })) });
  const { properties } = await api('GET', `/k/v1/preview/app/form/fields.json?app=${app}`);
  const r2 = (...codes) => ({ type: 'ROW', fields: codes.map((code) => ({ type: properties[code].type, code })) });
  void row;
  await api('PUT', '/k/v1/preview/app/form/layout.json', { app, layout: [
    r2('受付番号', '氏名'), r2('担当者'),
    { type: 'GROUP', code: '申請内容', layout: [r2('面積', '申請日'), r2('用途', '店舗面積'), r2('設備')] },
    { type: 'GROUP', code: '所在地', layout: [r2('地域', '町名')] }] });
  await api('PUT', '/k/v1/preview/app/settings.json', { app, recordRules: {
    rules: [{ effect: 'hide', fields: ['店舗面積'], when: { not: { field: '用途', op: 'eq', value: '店舗' } } },
      { effect: 'readOnly', fields: ['受付番号'] },
      { effect: 'required', fields: ['氏名'] }],
    choices: {
      地域: { optionsTree: { 北沢: { 代沢: ['一丁目', '二丁目'], 代田: ['三丁目'] }, 玉川: { 奥沢: ['四丁目'] } } },
      町名: { optionsTree: { 北沢: { 代沢: ['一丁目', '二丁目'], 代田: ['三丁目'] }, 玉川: { 奥沢: ['四丁目'] } }, parent: '地域' } } } });
  await api('PUT', '/k/v1/preview/app/status.json', { app, enable: true,
    states: {
      受付中: { name: '受付中', index: '0' },
      受付: { name: '受付', index: '1', applicantLabel: '受付中' },
      審査中: { name: '審査中', index: '2', applicantLabel: '審査中' },
      修正待ち: { name: '修正待ち', index: '3', applicantLabel: '修正依頼中' },
      決裁完了: { name: '決裁完了', index: '4', applicantLabel: '決裁完了' } },
    actions: [
      { name: '受付する', from: '受付中', to: '受付', set: [{ field: '受付番号', value: { sequence: 'browser-rec', format: '世屋第{n:4}号', reset: 'NONE' } }] },
      { name: '審査開始', from: '受付', to: '審査中' },
      { name: '差戻し', from: '審査中', to: '受付', reason: 'REQUIRED' },
      { name: '修正依頼', from: '審査中', to: '修正待ち' },
      { name: '修正回答', from: '修正待ち', to: '審査中', applicantReply: true },
      { name: '決裁', from: '審査中', to: '決裁完了' }] });
  await api('PUT', '/k/v1/preview/app/clock.json', { app, enable: true, days: 14,
    startStatuses: ['受付'], pauseStatuses: ['修正待ち'], stopStatuses: ['決裁完了'] });
  await api('POST', '/k/v1/preview/app/deploy.json', { apps: [{ app }] });
  await api('PUT', '/admin/api/forms.json', { form: {
    code: 'okugai', app: Number(app), title: '屋外広告物の許可申請', procedure: '屋外広告物',
    receipt: { sequence: 'browser-okugai', format: 'W{n:5}' },
    pages: [{ title: '申請', sections: [{ title: '申請', fields: [
      { code: '氏名', rules: { required: true } }, { code: '面積', rules: { required: true, min: 1 } }] }] }] } });
  await api('POST', '/admin/api/form/publish.json', { code: 'okugai' });
  await api('PUT', '/k/v1/app/template.json', { app, template: {
    code: 'kyoka', name: '許可書',
    elements: [{ type: 'text', x: 20, y: 30, w: 170, text: '許可書', size: 18, align: 'center', font: 'gothic' },
      { type: 'text', x: 20, y: 50, field: '氏名' }] } });
  browser = await launch();
});

after(async () => { await browser?.close(); await server?.stop(); await smtp?.close(); });

/* Files one application online (e-mail verification, the form); the record id. */
async function fileOnline(name) {
  const ctx = await browser.newContext({ locale: 'ja-JP' });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/apply/okugai`);
  const email = `${randomBytes(4).toString('hex')}@example.jp`;
  const n = smtp.mails.length;
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByRole('button', { name: '確認コードを送る' }).click();
  const mail = await waitFor(() => smtp.mails.slice(n).find((m) => m.to.includes(email)), 'the code mail');
  await page.getByLabel(/確認コード/).fill(/確認コード: (\d{6})/.exec(mailText(mail.raw))[1]);
  await page.getByRole('button', { name: '確認する' }).click();
  await page.waitForURL(/\/apply\/okugai/);
  await page.getByLabel(/^氏名/).fill(name);
  await page.getByLabel(/^表示面積/).fill('12');
  await page.getByRole('button', { name: '次へ進む' }).click();
  await page.getByRole('button', { name: '申請する' }).click();
  await page.locator('.receipt').waitFor();
  await ctx.close();
  const { records } = await api('GET', `/k/v1/records.json?app=${app}&query=${encodeURIComponent(`氏名 = "${name}"`)}`);
  return records[0].$id.value;
}

async function staffPage() {
  const ctx = await browser.newContext({ locale: 'ja-JP' });
  const res = await ctx.request.post(`${server.url}/auth/login.json`, { headers: { 'X-Requested-With': 'XMLHttpRequest' }, data: { login: STAFF, password: STAFF_PW } });
  assert.equal(res.status(), 200, await res.text());
  return { ctx, page: await ctx.newPage() };
}

const rec = async (id) => (await api('GET', `/k/v1/record.json?app=${app}&id=${id}`)).record;

test('the record screen: tabs, edit, conflict, process, thread, documents, history, paper application', async () => {
  const id = await fileOnline('山田 太郎');
  const { ctx, page } = await staffPage();
  try { await flow(page, id); } catch (e) {
    if (process.env.DEBUG_SHOT) { await page.screenshot({ path: '/tmp/st-record.png', fullPage: true }); console.log(await page.locator('main').innerHTML()); }
    throw e;
  } finally { await ctx.close(); }
});

async function flow(page, id) {
  await page.goto(`${server.url}/staff/#/apps/${app}/records/${id}`);
  const h1 = page.getByRole('heading', { level: 1 });
  await assert.doesNotReject(h1.filter({ hasText: `No.${id}` }).waitFor());
  await page.locator('.rec-facts').getByText('受付中').waitFor();
  assert.deepEqual(await axe(page), []);

  // 受付する draws the receipt number, shown in the header
  await page.getByRole('button', { name: '受付する' }).click();
  await h1.filter({ hasText: '世屋第0001号' }).waitFor();
  await page.locator('.rec-facts').getByText(/残り\d+日/).waitFor();

  // tabs by keyboard: → moves to 申請内容, End to 所在地, Home back to 基本情報
  const tabs = page.getByRole('tablist', { name: '入力項目のまとまり' });
  await tabs.getByRole('tab', { name: '基本情報' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await tabs.getByRole('tab', { name: '申請内容' }).getAttribute('aria-selected'), 'true');
  await page.getByRole('tabpanel').getByText('表示面積').waitFor();
  assert.equal(await page.getByText('店舗面積').count(), 0, 'hidden by the rule while 用途 is not 店舗');
  await page.keyboard.press('End');
  assert.equal(await tabs.getByRole('tab', { name: '所在地' }).getAttribute('aria-selected'), 'true');
  await tabs.getByRole('tab', { name: '申請内容' }).click();

  // edit and save (mouse), rules live: 用途 = 店舗 shows 店舗面積
  await page.getByRole('button', { name: '編集する' }).click();
  await page.getByLabel('表示面積').fill('20');
  await page.getByLabel('用途').selectOption('店舗');
  await page.getByLabel('店舗面積').fill('8');
  await page.getByLabel('照明').check();
  await tabs.getByRole('tab', { name: '所在地' }).click();
  await page.getByLabel('地域').selectOption('北沢');
  await page.getByLabel('町名').selectOption('代田');
  assert.deepEqual(await page.getByLabel('町名').locator('option').allTextContents(), ['（選択してください）', '代沢', '代田']);
  assert.deepEqual(await axe(page), []);
  // the network fails once: the message says so and the input stays
  let cut = true;
  await page.route('**/k/v1/record.json', (route) => (cut && route.request().method() === 'PUT' ? (cut = false, route.abort()) : route.continue()));
  await page.getByRole('button', { name: '保存する' }).click();
  await page.getByRole('alert').filter({ hasText: 'サーバーに接続できません' }).waitFor();
  assert.equal(await page.getByLabel('町名').inputValue(), '代田');
  await page.unroute('**/k/v1/record.json');
  await page.getByRole('button', { name: '保存する' }).click();
  await page.getByText('保存しました。').waitFor();
  let r = await rec(id);
  assert.equal(r.面積.value, '20');
  assert.equal(r.店舗面積.value, '8');
  assert.equal(r.町名.value, '代田');
  assert.deepEqual(r.設備.value, ['照明']);

  // conflict: someone saves 氏名 and 表示面積 meanwhile; take theirs for 氏名, keep mine for 面積
  await page.getByRole('button', { name: '編集する' }).click();
  await tabs.getByRole('tab', { name: '基本情報' }).click();
  await page.getByLabel(/^氏名/).fill('山田 太郎（職員）');
  await tabs.getByRole('tab', { name: '申請内容' }).click();
  await page.getByLabel('表示面積').fill('30');
  await api('PUT', '/k/v1/record.json', { app, id, record: { 氏名: { value: '山田 太郎（他の人）' }, 面積: { value: '25' } } });
  await page.getByRole('button', { name: '保存する' }).click();
  const merge = page.getByRole('region', { name: 'ほかの人がこの記録を先に更新しました' });
  await merge.waitFor();
  assert.equal(await merge.locator('tbody tr').count(), 2);
  assert.deepEqual(await axe(page), []);
  await merge.getByRole('group', { name: '氏名：残す値' }).getByLabel('最新の値を採用').check();
  await merge.getByRole('group', { name: '表示面積：残す値' }).getByLabel('自分の値を残す').check();
  await merge.getByRole('button', { name: '選んだ内容で続ける' }).click();
  await page.getByRole('button', { name: '保存する' }).click();
  await page.getByText('保存しました。').waitFor();
  r = await rec(id);
  assert.equal(r.氏名.value, '山田 太郎（他の人）');
  assert.equal(r.面積.value, '30');

  // process: 審査開始, then 差戻し needs a reason: the dialog (Esc closes it), by keyboard
  await page.getByRole('button', { name: '審査開始' }).click();
  await page.locator('.rec-facts').getByText('審査中').waitFor();
  await page.getByRole('button', { name: '差戻し' }).click();
  const dlg = page.getByRole('dialog', { name: /差戻し/ });
  await dlg.waitFor();
  assert.deepEqual(await axe(page), []);
  await page.keyboard.press('Escape');
  await dlg.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: '差戻し' }).focus();
  await page.keyboard.press('Enter');
  await dlg.waitFor();
  await page.keyboard.type('図面の縮尺が不足');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('.rec-facts').getByText('受付', { exact: true }).waitFor();
  await page.getByRole('button', { name: '審査開始' }).click();
  await page.locator('.rec-facts').getByText('審査中').waitFor();

  // opinion and comment with a mention chosen from the suggestions
  await page.getByLabel('意見を書く').fill('許可相当と考えます。');
  await page.getByRole('button', { name: '意見を追加' }).click();
  await page.locator('.rec-list').getByText('許可相当と考えます。').waitFor();
  await page.getByLabel(/コメントを書く/).fill('確認をお願いします @suz');
  await page.getByRole('button', { name: /@suzuki/ }).click();
  await page.getByRole('button', { name: 'コメントを投稿' }).click();
  await page.locator('.rec-list').getByText(/確認をお願いします @suzuki/).waitFor();

  // the thread: a correction request with a due date and the action 修正依頼
  const work = page.getByRole('tablist', { name: '作業' });
  await work.getByRole('tab', { name: '申請者とのやりとり' }).click();
  await page.getByLabel('修正依頼').check();
  await page.getByLabel('本文（必須）').fill('表示面積を確認してください。');
  await page.getByLabel('回答期限（必須）').fill(dayPlus(10));
  await page.getByRole('group', { name: '申請者が修正できる項目' }).getByLabel('表示面積').check();
  await page.getByLabel('あわせて実行する処理').selectOption('修正依頼');
  await page.getByRole('button', { name: '申請者に送信' }).click();
  await page.locator('.rec-facts').getByText('修正待ち').waitFor();
  const msgs = await api('GET', `/k/v1/record/messages.json?app=${app}&record=${id}`);
  assert.equal(msgs.open[0].kind, 'correction');
  assert.equal(msgs.open[0].dueDate, dayPlus(10));

  // documents: issue from the template, deliver
  await work.getByRole('tab', { name: '発行文書' }).click();
  await page.getByRole('button', { name: '文書を作成' }).click();
  await page.getByRole('link', { name: '許可書（PDF）' }).waitFor();
  await page.getByRole('button', { name: '「許可書」を交付する' }).click();
  await page.getByText('交付済み').waitFor();
  const { documents } = await api('GET', `/k/v1/record/documents.json?app=${app}&record=${id}`);
  assert.equal(documents[0].delivered, true);

  // history: the diff, and back to the version before the conflict merge
  await work.getByRole('tab', { name: '変更履歴' }).click();
  const hist = page.getByRole('table', { name: /の変更$/ }).first();
  await hist.waitFor();
  const before = (await api('GET', `/k/v1/record/history.json?app=${app}&id=${id}&order=asc`)).history;
  const target = before.find((h) => (h.changes || []).some((c) => c.field === '面積' && c.after === '20'));
  await page.getByText(`版${target.revision}・更新`).waitFor();
  await page.getByRole('button', { name: `この版に戻す（版${target.revision}）` }).click();
  await page.getByRole('dialog').getByRole('button', { name: '戻す' }).click();
  await page.getByText(`版${target.revision}に戻しました。`).waitFor();
  r = await rec(id);
  assert.equal(r.面積.value, '20');
  assert.equal(r.氏名.value, '山田 太郎');

  // a paper application: the inputs, 登録する, then the new record with 受付する
  await page.goto(`${server.url}/staff/#/apps/${app}/records/new`);
  await page.getByRole('heading', { name: /窓口申請の入力/ }).waitFor();
  await page.getByRole('button', { name: '登録する' }).click();
  await page.getByText('入力してください。').waitFor();
  await page.getByLabel(/^氏名/).fill('窓口 花子');
  await page.getByRole('tab', { name: '申請内容' }).click();
  await page.getByLabel('表示面積').fill('5');
  assert.deepEqual(await axe(page), []);
  await page.getByRole('button', { name: '登録する' }).click();
  await page.waitForURL(/records\/\d+$/);
  await page.getByRole('button', { name: '受付する' }).click();
  await h1.filter({ hasText: '世屋第0002号' }).waitFor();
}
