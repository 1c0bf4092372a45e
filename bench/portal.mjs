// Set-up of the applicant portal benchmark (issue #6), run by bench/portal.sh against a running
// server whose [mail] smtp_url points at the SMTP sink this script starts (node:net only, so no
// npm package is needed):
//  - an app of 12 fields with a process of four statuses, each with an applicantLabel;
//  - a published form on it (2 pages, 12 questions);
//  - ONE verified applicant who submits MINE applications, and OTHERS applicants who submit
//    PER_OTHER applications each (so record_owners and records are not trivially small);
//  - status actions on some of the applicant's applications (審査開始, then 補正依頼 or 許可).
// Prints one JSON line: {"cookie", "receipt", "mine", "others", "moved", "mails"}, then keeps
// the SMTP sink running until it is killed.
// usage: node bench/portal.mjs URL USER PASSWORD SMTP_PORT [MINE OTHERS PER_OTHER]
import net from 'node:net';
import { randomBytes } from 'node:crypto';

const [url, user, password, smtpPort, mineStr = '50', othersStr = '8', perOtherStr = '40'] =
  process.argv.slice(2);
const MINE = Number(mineStr), OTHERS = Number(othersStr), PER_OTHER = Number(perOtherStr);
const auth = Buffer.from(`${user}:${password}`).toString('base64');

// a minimal SMTP sink: accepts everything, keeps the messages
const mails = [];
const smtp = net.createServer((sock) => {
  let buf = '', inData = false;
  sock.setEncoding('utf8');
  sock.write('220 bench ESMTP\r\n');
  sock.on('data', (d) => {
    buf += d;
    for (;;) {
      if (inData) {
        const end = buf.indexOf('\r\n.\r\n');
        if (end < 0) return;
        mails.push(buf.slice(0, end));
        buf = buf.slice(end + 5);
        inData = false;
        sock.write('250 OK\r\n');
        continue;
      }
      const nl = buf.indexOf('\r\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 2);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') sock.write('250-bench\r\n250 8BITMIME\r\n');
      else if (verb === 'DATA') { inData = true; sock.write('354 go on\r\n'); }
      else if (verb === 'QUIT') { sock.end('221 bye\r\n'); return; }
      else sock.write('250 OK\r\n');
    }
  });
  sock.on('error', () => {});
});
await new Promise((r) => smtp.listen(Number(smtpPort), '127.0.0.1', r));

async function api(method, path, body, headers = {}) {
  const res = await fetch(`${url}${path}`, {
    method, headers: { 'X-Cybozu-Authorization': auth, 'Content-Type': 'application/json', ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// the app, its process and the form
const props = {};
const fields = [];
const kinds = ['SINGLE_LINE_TEXT', 'NUMBER', 'DATE', 'DROP_DOWN', 'MULTI_LINE_TEXT', 'SINGLE_LINE_TEXT'];
for (let i = 1; i <= 12; i++) {
  const code = `項目${i}`;
  const t = kinds[i % 6];
  props[code] = { type: t, code, label: `項目 ${i}` };
  if (t === 'DROP_DOWN') props[code].options = { 甲: { label: '甲', index: '0' }, 乙: { label: '乙', index: '1' } };
  fields.push({ code, help: `項目${i}の説明です。`, rules: t === 'SINGLE_LINE_TEXT' ? { required: true, maxLength: 40 } : {} });
}
const { app } = await api('POST', '/k/v1/preview/app.json', { name: '道路占用許可申請' });
await api('POST', '/k/v1/preview/app/form/fields.json', { app, properties: props });
const U = [{ entity: { type: 'USER', code: user } }];
const state = (name, index, applicantLabel) => ({ name, index: String(index), applicantLabel,
  assignee: { type: 'ANY', entities: U } });
await api('PUT', '/k/v1/preview/app/status.json', { app, enable: true,
  states: { 受付: state('受付', 0, '受付済み'), 審査: state('審査', 1, '審査中'),
    補正依頼: state('補正依頼', 2, '修正をお願いしています'), 許可: state('許可', 3, '許可しました') },
  actions: [{ name: '審査開始', from: '受付', to: '審査' }, { name: '補正を求める', from: '審査', to: '補正依頼' },
    { name: '補正受付', from: '補正依頼', to: '審査' }, { name: '許可する', from: '審査', to: '許可' }] });
await api('POST', '/k/v1/preview/app/deploy.json', { apps: [{ app }] });
const code = `portal${randomBytes(3).toString('hex')}`;
await api('PUT', '/admin/api/forms.json', { form: {
  code, app: Number(app), title: '道路占用許可申請', procedure: '道路', receipt: { sequence: code, format: 'R-{n:6}' },
  pages: [{ title: '1', sections: [{ title: '申請者', fields: fields.slice(0, 6) }] },
    { title: '2', sections: [{ title: '占用の内容', fields: fields.slice(6) }] }] } });
await api('POST', '/admin/api/form/publish.json', { code });

// verified applicants (the server allows 10 codes a minute per client address: 1 + OTHERS <= 10)
const xrw = { 'X-Requested-With': 'bench' };
async function applicant(email) {
  await api('POST', '/apply/api/verify.json', { email, form: code }, xrw);
  const deadline = Date.now() + 20000;
  let otp;
  while (!otp) {
    for (const m of mails) {
      if (!m.includes(email)) continue;
      const body = m.split(/\r?\n\r?\n/).slice(1).join('\n').replace(/\s+/g, '');
      const hit = /確認コード: (\d{6})/.exec(Buffer.from(body, 'base64').toString('utf8'));
      if (hit) otp = hit[1];
    }
    if (!otp && Date.now() > deadline) throw new Error(`no code mail for ${email}`);
    if (!otp) await new Promise((r) => setTimeout(r, 100));
  }
  const res = await fetch(`${url}/apply/api/confirm.json`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...xrw }, body: JSON.stringify({ email, code: otp }),
  });
  if (!res.ok) throw new Error(`confirm ${res.status} ${await res.text()}`);
  return /mado_applicant=[^;]+/.exec(res.headers.get('set-cookie'))[0];
}
async function submit(cookie, i) {
  const answers = {};
  for (const f of fields) {
    const t = props[f.code].type;
    answers[f.code] = t === 'NUMBER' ? String(10 + i) : t === 'DATE' ? '2027-01-15' : t === 'DROP_DOWN' ? '乙' : `入力 ${i}`;
  }
  await api('PUT', '/apply/api/draft.json', { code, answers, step: 1 }, { ...xrw, Cookie: cookie });
  return api('POST', '/apply/api/submit.json', { code, idempotencyKey: `k${i}-${randomBytes(4).toString('hex')}` },
    { ...xrw, Cookie: cookie });
}
const tag = randomBytes(3).toString('hex');
const me = await applicant(`portal-me-${tag}@example.jp`);
const others = [];
for (let k = 0; k < OTHERS; k++) others.push(await applicant(`portal-other${k}-${tag}@example.jp`));

// interleaved, so the applicant's rows are spread over the tables as in real life
const mine = [];
let otherCount = 0;
for (let round = 0; round < Math.max(MINE, PER_OTHER); round++) {
  const jobs = [];
  if (round < MINE) jobs.push(submit(me, round).then((r) => mine.push(r)));
  if (round < PER_OTHER) others.forEach((ck, k) => jobs.push(submit(ck, 1000 * (k + 1) + round).then(() => otherCount++)));
  await Promise.all(jobs);
}

// status actions on some of mine: 20 into 審査, of those 5 to 補正依頼 and 8 to 許可
const act = (id, action) => api('PUT', '/k/v1/record/status.json', { app: Number(app), id, action });
let moved = 0;
for (let i = 0; i < Math.min(20, mine.length); i++) {
  const id = mine[i].record.id;
  await act(id, '審査開始');
  if (i < 5) await act(id, '補正を求める');
  else if (i < 13) await act(id, '許可する');
  moved++;
}
// the outbox sends the receipt and status mails in the background: wait until it is quiet, so
// the measurements do not share the machine with it, then keep the sink up until killed (mail
// that fails would be retried during the measurements)
for (let last = -1; last !== mails.length;) {
  last = mails.length;
  await new Promise((r) => setTimeout(r, 2000));
}
console.log(JSON.stringify({ cookie: me, receipt: mine[0].receiptNumber, mine: mine.length, others: otherCount, moved, mails: mails.length }));
