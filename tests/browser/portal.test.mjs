// Browser tests of the applicant portal (issue #6) in Debian's chromium, with and without
// JavaScript: an application filed through the form; staff send a correction request through
// the API (the mail says only what happened and links the page); the applicant replies on the
// page with the corrected value and a file; staff approve and deliver the permit; the
// applicant downloads it. A second applicant tries every way into the first one's application
// (receipt number, file and document links, the reply, the staff API) and gets "not found";
// they withdraw their own. axe-core (WCAG 2.1 AA) on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { startServer, startSmtp, launch, axe, mailText, waitFor, adminCall, dayPlus } from './lib.mjs';

let server, smtp, browser, auth, app;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PUBLIC = 'https://shinsei.example.lg.jp';

const api = (method, path, body) => adminCall(server, auth, method, path, body);

async function upload(name, buffer) {
  const fd = new FormData();
  fd.append('file', new Blob([buffer]), name);
  const res = await fetch(`${server.url}/k/v1/file.json`, { method: 'POST', headers: { 'X-Cybozu-Authorization': auth }, body: fd });
  assert.equal(res.status, 200);
  return (await res.json()).fileKey;
}

before(async () => {
  smtp = await startSmtp();
  server = await startServer({
    MADOGUCHI_MAIL_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    MADOGUCHI_MAIL_FROM: 'noreply@city.example.jp',
    MADOGUCHI_MAIL_STARTTLS: 'off',
    MADOGUCHI_SERVER_PUBLIC_URL: PUBLIC,
  });
  const pw = `pw-${randomBytes(8).toString('hex')}`;
  server.cli(['user', 'add', '--login', 'portaladmin', '--password-stdin', '--admin', '--service'], `${pw}\n`);
  auth = Buffer.from(`portaladmin:${pw}`).toString('base64');
  ({ app } = await api('POST', '/k/v1/preview/app.json', { name: '土地利用の届出' }));
  await api('POST', '/k/v1/preview/app/form/fields.json', { app, properties: {
    氏名: { type: 'SINGLE_LINE_TEXT', code: '氏名', label: '氏名' },
    面積: { type: 'NUMBER', code: '面積', label: '敷地面積' },
    図面: { type: 'FILE', code: '図面', label: '図面' },
  } });
  await api('PUT', '/k/v1/preview/app/status.json', { app, enable: true,
    states: {
      受付中: { name: '受付中', index: '0' },
      審査中: { name: '審査中', index: '1', applicantLabel: '審査中' },
      係長確認: { name: '係長確認', index: '2', applicantLabel: '審査中' },
      修正待ち: { name: '修正待ち', index: '3', applicantLabel: '修正依頼中' },
      決裁完了: { name: '決裁完了', index: '4', applicantLabel: '決裁完了' },
      取下げ: { name: '取下げ', index: '5', applicantLabel: '取下げ' } },
    actions: [
      { name: '審査開始', from: '受付中', to: '審査中' },
      { name: '修正依頼', from: '審査中', to: '修正待ち' },
      { name: '修正回答', from: '修正待ち', to: '審査中', applicantReply: true },
      { name: '確認依頼', from: '審査中', to: '係長確認' },
      { name: '決裁', from: '係長確認', to: '決裁完了' },
      { name: '取下げ', from: '審査中', to: '取下げ', reason: 'REQUIRED', applicant: true }] });
  await api('PUT', '/k/v1/preview/app/clock.json', { app, enable: true, days: 21,
    startStatuses: ['審査中'], pauseStatuses: ['修正待ち'], stopStatuses: ['決裁完了', '取下げ'] });
  await api('POST', '/k/v1/preview/app/deploy.json', { apps: [{ app }] });
  await api('PUT', '/admin/api/forms.json', { form: {
    code: 'tochi', app: Number(app), title: '土地利用の届出', procedure: '建築・開発',
    receipt: { sequence: 'browser-tochi', format: 'T{reiwa}-{n:5}' },
    pages: [{ title: '届出', sections: [{ title: '届出', fields: [
      { code: '氏名', rules: { required: true } },
      { code: '面積', rules: { required: true, min: 1 } },
      { code: '図面', label: '配置図', rules: { required: true, accept: ['application/pdf'] } }] }] }] } });
  await api('POST', '/admin/api/form/publish.json', { code: 'tochi' });
  // the permit is issued and delivered by the workflow when the record reaches 決裁完了
  await api('PUT', '/k/v1/app/template.json', { app, template: {
    code: 'kyoka', name: '土地利用許可書', auto: [{ status: '決裁完了', deliver: true }],
    elements: [
      { type: 'text', x: 20, y: 30, w: 170, text: '土地利用許可書', size: 18, align: 'center', font: 'gothic' },
      { type: 'text', x: 20, y: 50, field: '氏名' },
      { type: 'text', x: 20, y: 60, field: '面積', format: { number: { separator: true, decimals: 2, unit: '㎡' } } },
      { type: 'qr', x: 20, y: 80, size: 20, code: true }] } });
  browser = await launch();
});

after(async () => { await browser?.close(); await server?.stop(); await smtp?.close(); });

async function verify(page, email, js) {
  const before = smtp.mails.length;
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByRole('button', { name: '確認コードを送る' }).click();
  await page.waitForLoadState();
  const mail = await waitFor(() => smtp.mails.slice(before).find((m) => m.to.includes(email)), 'the code mail');
  await page.getByLabel(/確認コード/).fill(/確認コード: (\d{6})/.exec(mailText(mail.raw))[1]);
  await page.getByRole('button', { name: '確認する' }).click();
  await page.waitForLoadState();
  assert.deepEqual(await axe(page, { js }), []);
}

/* Files one application through the form; its receipt number. */
async function fileOne(page, name, js) {
  await page.goto(`${server.url}/apply/tochi`);
  if (page.url().includes('/verify')) throw new Error('not verified');
  await page.getByLabel(/^氏名/).fill(name);
  await page.getByLabel(/^敷地面積/).fill('150');
  await page.getByLabel(/^配置図/).setInputFiles({ name: '配置図.pdf', mimeType: 'application/pdf', buffer: PDF });
  if (js) await page.getByText('添付済み: 配置図.pdf').waitFor();
  await page.getByRole('button', { name: '次へ進む' }).click();
  await page.waitForLoadState();
  await page.getByRole('button', { name: '申請する' }).click();
  await page.waitForLoadState();
  return (await page.textContent('.receipt')).trim();
}

for (const js of [false, true]) {
  test(`correction round, issued permit and isolation (JavaScript ${js ? 'on' : 'off'})`, async () => {
    const tag = js ? 'js' : 'nojs';
    const emailA = `kono-${tag}@example.jp`, emailB = `otsu-${tag}@example.jp`;
    const ctxA = await browser.newContext({ javaScriptEnabled: js, locale: 'ja-JP', acceptDownloads: true });
    const pa = await ctxA.newPage();
    await pa.goto(`${server.url}/my/`);
    assert.match(pa.url(), /\/apply\/verify\?next=my$/);
    await verify(pa, emailA, js);
    assert.match(pa.url(), /\/my\/$/);
    const name = `甲野 太郎${tag}`;
    const receipt = await fileOne(pa, name, js);
    const { records } = await api('GET', `/k/v1/records.json?app=${app}&query=${encodeURIComponent(`氏名 = "${name}"`)}`);
    assert.equal(records.length, 1);
    const id = records[0].$id.value;

    // staff: review starts, then a correction request with its action and a due date
    await api('PUT', '/k/v1/record/status.json', { app, id, action: '審査開始' });
    const before = smtp.mails.length;
    const due = dayPlus(14);
    await api('POST', '/k/v1/record/message.json', { app, record: id, kind: 'correction', action: '修正依頼',
      body: '敷地面積が公図と一致しません。\n正しい面積を入力し、測量図を添付してください。', dueDate: due, fields: ['面積'] });
    const mail = await waitFor(() => smtp.mails.slice(before).find((m) => m.to.includes(emailA) && mailText(m.raw).includes('/my/')), 'the request mail');
    const text = mailText(mail.raw);
    assert.ok(text.includes(`${PUBLIC}/my/${receipt}`), text);
    assert.ok(text.includes('修正のお願い'), text);
    assert.ok(!text.includes('甲野') && !text.includes('公図'), `no personal details or contents in the mail:\n${text}`);

    // the applicant: the list shows the wait, the page the request and the field asked again
    await pa.goto(`${server.url}/my/`);
    assert.ok((await pa.textContent('main')).includes('修正依頼中'));
    assert.deepEqual(await axe(pa, { js }), []);
    await pa.getByRole('link', { name: receipt }).click();
    await pa.waitForLoadState();
    const main = await pa.textContent('main');
    assert.ok(main.includes('区からお願いが届いています'));
    assert.ok(main.includes('敷地面積が公図と一致しません。'));
    assert.deepEqual(await axe(pa, { js }), []);
    const answerFile = await pa.getByRole('link', { name: '配置図.pdf' }).getAttribute('href');
    // a wrong value first: the error, with what was typed kept
    await pa.getByLabel('敷地面積').fill('0');
    await pa.getByLabel('メッセージ').fill('公図を確認し、面積を直しました。');
    await pa.getByRole('button', { name: '送信する' }).click();
    await pa.waitForLoadState();
    assert.equal(await pa.getByRole('alert').count(), 1);
    assert.equal(await pa.getByLabel('メッセージ').inputValue(), '公図を確認し、面積を直しました。');
    assert.deepEqual(await axe(pa, { js }), []);
    await pa.getByLabel('敷地面積').fill('148.25');
    await pa.getByLabel(/^添付ファイル/).setInputFiles({ name: '測量図.pdf', mimeType: 'application/pdf', buffer: PDF });
    await pa.getByRole('button', { name: '送信する' }).click();
    await pa.waitForLoadState();
    assert.equal(await pa.getByRole('status').filter({ hasText: '区へ送信しました' }).count(), 1);
    assert.ok((await pa.textContent('main')).includes('（回答済み）'));
    assert.deepEqual(await axe(pa, { js }), []);

    // staff: back in review with the corrected value and the file; the clock runs again
    let rec = (await api('GET', `/k/v1/record.json?app=${app}&id=${id}`)).record;
    assert.equal(rec.ステータス.value, '審査中');
    assert.equal(rec.面積.value, '148.25');
    const thread = await api('GET', `/k/v1/record/messages.json?app=${app}&record=${id}`);
    assert.equal(thread.messages.at(-1).files[0].name, '測量図.pdf');
    const { clocks } = await api('GET', `/k/v1/records/clock.json?app=${app}&ids[0]=${id}`);
    assert.equal(clocks[0].state, 'running');

    // the decision: the workflow issues the permit and delivers it; a notice is added by hand
    await api('PUT', '/k/v1/record/status.json', { app, id, action: '確認依頼' });
    const b2 = smtp.mails.length;
    await api('PUT', '/k/v1/record/status.json', { app, id, action: '決裁' });
    await waitFor(() => smtp.mails.slice(b2).find((m) => m.to.includes(emailA) && mailText(m.raw).includes('交付')), 'the delivery mail');
    const issued = (await api('GET', `/k/v1/record/documents.json?app=${app}&record=${id}`)).documents;
    assert.equal(issued.length, 1);
    assert.equal(issued[0].templateCode, 'kyoka');
    assert.ok(issued[0].delivered && issued[0].verifyCode);
    const { id: doc } = await api('POST', '/k/v1/record/document.json', { app, record: id, title: '通知書', fileKey: await upload('通知書.pdf', PDF), deliver: true });
    await pa.goto(`${server.url}/my/${receipt}`);
    assert.ok((await pa.textContent('main')).includes('決裁完了'));
    assert.deepEqual(await axe(pa, { js }), []);
    const [download] = await Promise.all([pa.waitForEvent('download'), pa.getByRole('link', { name: '土地利用許可書' }).click()]);
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    const permit = Buffer.concat(chunks);
    assert.equal(permit.subarray(0, 4).toString(), '%PDF');
    assert.equal(createHash('sha256').update(permit).digest('hex'), issued[0].sha256);
    await pa.getByRole('link', { name: '通知書' }).waitFor();
    // anyone holding the paper can verify it: valid, with no personal data on the page
    await pa.goto(`${server.url}/verify/${issued[0].verifyCode.toLowerCase()}`);
    const verdict = await pa.textContent('main');
    assert.ok(verdict.includes('正規に発行された文書'), verdict);
    assert.ok(verdict.includes('土地利用許可書') && !verdict.includes('甲野') && !verdict.includes(receipt), verdict);
    assert.deepEqual(await axe(pa, { js }), []);
    const docHref = `/my/${encodeURIComponent(receipt)}/documents/${doc}`;
    const replyKey = thread.messages.at(-1).files[0].fileKey;
    await ctxA.close();

    // applicant B: their own application works, A's answers 404 whichever way they try
    const ctxB = await browser.newContext({ javaScriptEnabled: js, locale: 'ja-JP' });
    const pb = await ctxB.newPage();
    await pb.goto(`${server.url}/my/`);
    await verify(pb, emailB, js);
    const receiptB = await fileOne(pb, `乙野 花子${tag}`, js);
    const unknown = await pb.goto(`${server.url}/my/T9-99999`);
    assert.equal(unknown.status(), 404);
    const unknownTitle = await pb.title();
    const theirs = await pb.goto(`${server.url}/my/${receipt}`);
    assert.equal(theirs.status(), 404);
    assert.equal(await pb.title(), unknownTitle);
    assert.ok(!(await pb.textContent('body')).includes('甲野'));
    assert.deepEqual(await axe(pb, { js }), []);
    for (const path of [answerFile, docHref, `/my/${encodeURIComponent(receiptB)}/documents/${doc}`,
      `/my/${encodeURIComponent(receiptB)}/files/${replyKey}`, `/my/${encodeURIComponent(receipt)}/files/${replyKey}`]) {
      const res = await pb.request.get(`${server.url}${path}`);
      assert.equal(res.status(), 404, path);
    }
    for (const path of [`/k/v1/record.json?app=${app}&id=${id}`, `/k/v1/record/messages.json?app=${app}&record=${id}`,
      `/k/v1/file.json?fileKey=${replyKey}`, `/k/v1/record/documents.json?app=${app}&record=${id}`]) {
      const res = await pb.request.get(`${server.url}${path}`);
      assert.ok([401, 403].includes(res.status()), `${path}: ${res.status()}`);
    }
    const csrf = (await ctxB.cookies()).find((c) => c.name === 'mado_form').value;
    const post = await pb.request.post(`${server.url}/my/${encodeURIComponent(receipt)}/reply`, { multipart: { csrf, body: '乗っ取り' } });
    assert.equal(post.status(), 404);
    const withdraw = await pb.request.post(`${server.url}/my/${encodeURIComponent(receipt)}`, { form: { csrf, action: '取下げ', reason: 'x' } });
    assert.equal(withdraw.status(), 404);
    rec = (await api('GET', `/k/v1/record.json?app=${app}&id=${id}`)).record;
    assert.equal(rec.ステータス.value, '決裁完了');
    assert.equal((await api('GET', `/k/v1/record/messages.json?app=${app}&record=${id}`)).messages.length, thread.messages.length);

    // B withdraws their own once it is in review
    const { records: rb } = await api('GET', `/k/v1/records.json?app=${app}&query=${encodeURIComponent(`氏名 = "乙野 花子${tag}"`)}`);
    await api('PUT', '/k/v1/record/status.json', { app, id: rb[0].$id.value, action: '審査開始' });
    await pb.goto(`${server.url}/my/${receiptB}`);
    await pb.getByLabel(/^理由/).fill('計画を中止したため');
    await pb.getByRole('button', { name: '取下げする' }).click();
    await pb.waitForLoadState();
    assert.ok((await pb.textContent('main')).includes('取下げ'));
    assert.deepEqual(await axe(pb, { js }), []);
    rec = (await api('GET', `/k/v1/record.json?app=${app}&id=${rb[0].$id.value}`)).record;
    assert.equal(rec.ステータス.value, '取下げ');
    await ctxB.close();
  });
}

test('the portal in English', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/my/`);
  await verify(page, 'english@example.jp', true);
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForLoadState();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.ok((await page.textContent('h1')).includes('My applications'));
  assert.deepEqual(await axe(page), []);
  await page.getByRole('link', { name: '日本語' }).click();
  await page.waitForLoadState();
  assert.equal(await page.getAttribute('html', 'lang'), 'ja');
  await ctx.close();
});
