// Browser tests of a whole online application (issue #5) in Debian's chromium, with and
// without JavaScript: e-mail verification with the code read from a real SMTP server on
// loopback, steps with a conditional question, a disguised and an oversized file, the check
// page, submission (once), the confirmation mail, a draft resumed in a fresh browser, and
// axe-core (WCAG 2.1 AA) on every page of the flow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, startSmtp, launch, axe, mailText, waitFor, adminCall } from './lib.mjs';

let server, smtp, browser, auth, app;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

const api = (method, path, body) => adminCall(server, auth, method, path, body);

before(async () => {
  smtp = await startSmtp();
  server = await startServer({
    MADOGUCHI_MAIL_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    MADOGUCHI_MAIL_FROM: 'noreply@city.example.jp',
    MADOGUCHI_MAIL_STARTTLS: 'off',
  });
  const pw = `pw-${randomBytes(8).toString('hex')}`;
  server.cli(['user', 'add', '--login', 'formadmin', '--password-stdin', '--admin', '--service'], `${pw}\n`);
  auth = Buffer.from(`formadmin:${pw}`).toString('base64');
  const opt = (...l) => Object.fromEntries(l.map((x, i) => [x, { label: x, index: String(i) }]));
  ({ app } = await api('POST', '/k/v1/preview/app.json', { name: '建築行為の届出' }));
  await api('POST', '/k/v1/preview/app/form/fields.json', { app, properties: {
    氏名: { type: 'SINGLE_LINE_TEXT', code: '氏名', label: '氏名' },
    ふりがな: { type: 'SINGLE_LINE_TEXT', code: 'ふりがな', label: 'ふりがな' },
    用途: { type: 'RADIO_BUTTON', code: '用途', label: '用途', options: opt('住宅', '店舗') },
    店舗面積: { type: 'NUMBER', code: '店舗面積', label: '店舗面積' },
    図面: { type: 'FILE', code: '図面', label: '図面' },
    概要: { type: 'SINGLE_LINE_TEXT', code: '概要', label: '概要' },
  } });
  await api('PUT', '/k/v1/preview/app/status.json', { app, enable: true,
    states: { 受付中: { name: '受付中', index: '0' }, 受付: { name: '受付', index: '1' }, 取下げ: { name: '取下げ', index: '2', applicantLabel: '取下げ' } },
    actions: [{ name: '受付する', from: '受付中', to: '受付' },
      { name: '取下げ', from: '受付中', to: '取下げ', reason: 'REQUIRED', applicant: true }] });
  await api('POST', '/k/v1/preview/app/deploy.json', { apps: [{ app }] });
  await api('PUT', '/admin/api/forms.json', { form: {
    code: 'keikan', app: Number(app), title: '建築行為等の届出', procedure: '建築・開発',
    description: '景観法に基づく届出です。', prepare: '配置図（PDF）', deadlineNote: '着手の30日前までに届け出てください。',
    receipt: { sequence: 'browser-keikan', format: 'R{reiwa}-KK-{n:6}' },
    pages: [
      { title: '届出者', sections: [{ title: '届出者', fields: [
        { code: '氏名', help: '法人の場合は名称と代表者名', rules: { required: true, maxLength: 40 } },
        { code: 'ふりがな', rules: { required: true, format: 'katakana' } }] }] },
      { title: '計画', sections: [{ title: '計画', fields: [
        { code: '用途', rules: { required: true } },
        { code: '店舗面積', label: '店舗部分の床面積（㎡）', showIf: { field: '用途', op: 'eq', value: '店舗' }, rules: { required: true, min: 0 } },
        { code: '図面', label: '配置図', rules: { required: true, accept: ['application/pdf'], maxBytes: 200000 } },
        { code: '概要', compute: { concat: [{ field: '用途' }, '（', { sum: [{ field: '店舗面積' }, 0] }, '㎡）'] } }] }] },
    ] } });
  await api('POST', '/admin/api/form/publish.json', { code: 'keikan' });
  browser = await launch();
});

after(async () => { await browser?.close(); await server?.stop(); await smtp?.close(); });

/* Verifies email in page (on the verification page) with the code from the SMTP server. */
async function verify(page, email, js) {
  assert.deepEqual(await axe(page, { js }), []);
  const before = smtp.mails.length;
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByRole('button', { name: '確認コードを送る' }).click();
  await page.waitForLoadState();
  assert.deepEqual(await axe(page, { js }), []);
  const mail = await waitFor(() => smtp.mails.slice(before).find((m) => m.to.includes(email)), 'the code mail');
  const code = /確認コード: (\d{6})/.exec(mailText(mail.raw))?.[1];
  assert.ok(code, 'a 6-digit code in the mail');
  await page.getByLabel(/確認コード/).fill(code);
  await page.getByRole('button', { name: '確認する' }).click();
  await page.waitForLoadState();
}

for (const js of [false, true]) {
  test(`a whole application (JavaScript ${js ? 'on' : 'off'})`, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: js, locale: 'ja-JP' });
    const page = await ctx.newPage();
    const email = `applicant-${js ? 'js' : 'nojs'}@example.jp`;
    await page.goto(`${server.url}/apply/`);
    assert.deepEqual(await axe(page, { js }), []);
    await page.getByRole('link', { name: '建築行為等の届出' }).click();
    await page.waitForLoadState();
    assert.match(page.url(), /\/apply\/verify\?form=keikan$/);
    await verify(page, email, js);

    // step 1: the error summary, then the answers
    assert.match(await page.title(), /届出者/);
    assert.deepEqual(await axe(page, { js }), []);
    await page.getByRole('button', { name: '次へ進む' }).click();
    await page.waitForLoadState();
    assert.equal(await page.getByRole('alert').count(), 1);
    assert.deepEqual(await axe(page, { js }), []);
    await page.getByLabel(/^氏名/).fill('世田谷 花子');
    await page.getByLabel(/^ふりがな/).fill('セタガヤ ハナコ');
    await page.getByRole('button', { name: '次へ進む' }).click();
    await page.waitForLoadState();

    // step 2: the conditional question
    assert.match(await page.title(), /計画/);
    const area = page.getByLabel(/店舗部分の床面積/);
    assert.equal(await area.isVisible(), false);
    await page.getByLabel('店舗', { exact: true }).check();
    if (js) {
      await area.waitFor({ state: 'visible' }); // shown at once by the script
    } else {
      await page.getByRole('button', { name: '次へ進む' }).click();
      await page.waitForLoadState();
      assert.equal(await page.getByRole('status').filter({ hasText: '追加されました' }).count(), 1);
    }
    assert.equal(await area.isVisible(), true);
    await area.fill('120');
    if (js) assert.equal(await page.getByLabel(/^概要/).inputValue(), '店舗（120㎡）'); // computed live
    assert.deepEqual(await axe(page, { js }), []);
    // 320 px wide (a 640 px window at 200 % zoom): nothing scrolls sideways
    const size = page.viewportSize();
    await page.setViewportSize({ width: 320, height: 700 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
    await page.setViewportSize(size);

    // a disguised file (a .pdf name, not PDF bytes) and an oversized one are refused
    const fileInput = page.getByLabel(/^配置図/);
    await fileInput.setInputFiles({ name: 'haichi.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ not a pdf at all') });
    if (!js) { await page.getByRole('button', { name: '次へ進む' }).click(); await page.waitForLoadState(); }
    await page.locator('.error-msg').first().waitFor();
    assert.ok((await page.locator('.error-msg').count()) >= 1);
    await fileInput.setInputFiles({ name: 'big.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([PDF, Buffer.alloc(300000, 32)]) });
    if (!js) { await page.getByRole('button', { name: '次へ進む' }).click(); await page.waitForLoadState(); }
    await page.locator('.error-msg').first().waitFor();
    // the real one
    await fileInput.setInputFiles({ name: '配置図.pdf', mimeType: 'application/pdf', buffer: PDF });
    if (js) await page.getByText('添付済み: 配置図.pdf').waitFor();
    if (!js) await area.fill('120');
    await page.getByRole('button', { name: '次へ進む' }).click();
    await page.waitForLoadState();

    // check your answers, then submit
    assert.match(await page.title(), /入力内容の確認/, await page.textContent('main'));
    const check = await page.textContent('main');
    for (const s of ['世田谷 花子', 'セタガヤ ハナコ', '店舗', '120', '配置図.pdf', '店舗（120㎡）']) assert.ok(check.includes(s), `check page shows ${s}`);
    assert.deepEqual(await axe(page, { js }), []);
    const before = smtp.mails.length;
    await page.getByRole('button', { name: '申請する' }).click();
    await page.waitForLoadState();
    assert.match(await page.title(), /申請を受け付けました/);
    const receipt = (await page.textContent('.receipt')).trim();
    assert.match(receipt, /^R\d+-KK-\d{6}$/);
    assert.deepEqual(await axe(page, { js }), []);
    // a reload of the submission does not make a second record
    await page.goBack();
    await page.waitForLoadState();
    const recs = await api('GET', `/k/v1/records.json?app=${app}&query=${encodeURIComponent('氏名 = "世田谷 花子"')}`);
    assert.ok(recs.records.length >= 1);

    // the portal lists it; its page shows the answers and the timeline
    await page.goto(`${server.url}/my/`);
    assert.deepEqual(await axe(page, { js }), []);
    await page.getByRole('link', { name: receipt }).click();
    await page.waitForLoadState();
    assert.ok((await page.textContent('main')).includes('世田谷 花子'));
    assert.deepEqual(await axe(page, { js }), []);
    // withdrawal: the reason is required (an error that axe checks too), then the status reads 取下げ
    await page.getByRole('button', { name: '取下げする' }).click();
    await page.waitForLoadState();
    assert.deepEqual(await axe(page, { js }), []);
    await page.getByLabel(/^理由/).fill('計画を見直すため');
    await page.getByRole('button', { name: '取下げする' }).click();
    await page.waitForLoadState();
    assert.ok((await page.textContent('main')).includes('取下げ'));

    // the confirmation mail lists every answer and the attachment
    const mail = await waitFor(() => smtp.mails.slice(before).find((m) => m.to.includes(email)), 'the confirmation mail');
    const text = mailText(mail.raw);
    for (const s of [receipt, '世田谷 花子', 'セタガヤ ハナコ', '店舗', '120', '配置図.pdf']) assert.ok(text.includes(s), `mail has ${s}:\n${text}`);
    await ctx.close();
  });
}

test('a draft is resumed in a fresh browser after verifying the same address', async () => {
  const email = 'resume@example.jp';
  const a = await browser.newContext({ javaScriptEnabled: false });
  const pa = await a.newPage();
  await pa.goto(`${server.url}/apply/keikan`);
  await verify(pa, email, false);
  await pa.getByLabel(/^氏名/).fill('烏山 次郎');
  await pa.getByLabel(/^ふりがな/).fill('カラスヤマ ジロウ');
  await pa.getByRole('button', { name: '次へ進む' }).click();
  await pa.waitForLoadState();
  await a.close();

  const b = await browser.newContext({ javaScriptEnabled: true });
  const pb = await b.newPage();
  await pb.goto(`${server.url}/apply/keikan`);
  await verify(pb, email, true);
  assert.match(await pb.title(), /計画/); // where the applicant left off
  await pb.getByRole('button', { name: '前に戻る' }).click();
  await pb.waitForLoadState();
  assert.equal(await pb.getByLabel(/^氏名/).inputValue(), '烏山 次郎');
  await b.close();
});
