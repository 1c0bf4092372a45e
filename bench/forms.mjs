// Benchmark of the public forms (issue #5), run by bench/forms.sh against a running server
// whose [mail] smtp_url points at the SMTP server this script starts:
//  1. page: GET /apply/{code} of a 60-field step (20 fields shown, 60-field definition) for a
//     verified applicant: wrk -c1 gives the median server time of one page;
//  2. submit: 3 attachments of 5 MB uploaded through /apply/api/file.json, then the submission,
//     end to end on loopback, N times; median wall time.
// Prints JSON lines the shell script turns into bench/results.md rows.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
const { SMTPServer } = createRequire(import.meta.url)('../tests/browser/node_modules/smtp-server');

const [url, user, password, smtpPort, runs = '5'] = process.argv.slice(2);
const auth = Buffer.from(`${user}:${password}`).toString('base64');
const mails = [];
const smtp = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
  onData(stream, session, cb) {
    let raw = '';
    stream.setEncoding('utf8');
    stream.on('data', (d) => { raw += d; });
    stream.on('end', () => { mails.push(raw); cb(); });
  },
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

const props = {};
const fields = [];
for (let i = 1; i <= 60; i++) {
  const code = `項目${i}`;
  const kind = i % 6;
  const t = ['SINGLE_LINE_TEXT', 'NUMBER', 'DATE', 'DROP_DOWN', 'MULTI_LINE_TEXT', 'CHECK_BOX'][kind];
  props[code] = { type: t, code, label: `項目 ${i}` };
  if (t === 'DROP_DOWN' || t === 'CHECK_BOX') props[code].options = { 甲: { label: '甲', index: '0' }, 乙: { label: '乙', index: '1' }, 丙: { label: '丙', index: '2' } };
  const rules = t === 'SINGLE_LINE_TEXT' ? { required: true, maxLength: 40 } : t === 'NUMBER' ? { min: 0, max: 100000 } : {};
  const f = { code, help: `項目${i}の説明です。`, rules };
  if (i % 5 === 0) f.showIf = { field: `項目${i - 2}`, op: 'eq', value: '甲' };
  fields.push(f);
}
for (let k = 1; k <= 3; k++) props[`添付${k}`] = { type: 'FILE', code: `添付${k}`, label: `添付${k}` };
const { app } = await api('POST', '/k/v1/preview/app.json', { name: 'フォーム性能試験' });
await api('POST', '/k/v1/preview/app/form/fields.json', { app, properties: props });
await api('POST', '/k/v1/preview/app/deploy.json', { apps: [{ app }] });
const code = `bench${randomBytes(3).toString('hex')}`;
await api('PUT', '/admin/api/forms.json', { form: {
  code, app: Number(app), title: '性能試験', procedure: '試験', maxTotalBytes: 64 * 1024 * 1024,
  receipt: { sequence: code, format: 'B-{n:6}' },
  pages: [
    { title: '1', sections: [{ title: '1', fields: fields.slice(0, 20) }] },
    { title: '2', sections: [{ title: '2', fields: fields.slice(20, 40) }] },
    { title: '3', sections: [{ title: '3', fields: fields.slice(40, 60) }] },
    { title: '添付', sections: [{ title: '添付', fields: [1, 2, 3].map((k) => ({ code: `添付${k}`, rules: { maxBytes: 8 * 1024 * 1024 } })) }] },
  ] } });
await api('POST', '/admin/api/form/publish.json', { code });

// a verified applicant (the code comes by mail)
const email = `bench-${randomBytes(3).toString('hex')}@example.jp`;
const xrw = { 'X-Requested-With': 'bench' };
await api('POST', '/apply/api/verify.json', { email, form: code }, xrw);
const deadline = Date.now() + 20000;
let otp;
while (!otp) {
  for (const m of mails) {
    const body = m.split(/\r?\n\r?\n/).slice(1).join('\n').replace(/\s+/g, '');
    const text = Buffer.from(body, 'base64').toString('utf8');
    const hit = /確認コード: (\d{6})/.exec(text);
    if (hit && m.includes(email)) otp = hit[1];
  }
  if (!otp && Date.now() > deadline) throw new Error('no code mail');
  if (!otp) await new Promise((r) => setTimeout(r, 100));
}
const res = await fetch(`${url}/apply/api/confirm.json`, {
  method: 'POST', headers: { 'Content-Type': 'application/json', ...xrw }, body: JSON.stringify({ email, code: otp }),
});
const cookie = /mado_applicant=[^;]+/.exec(res.headers.get('set-cookie'))[0];
console.log(JSON.stringify({ page: `/apply/${code}`, cookie }));

// submissions with 3 × 5 MB
const answers = {};
for (const f of fields) {
  const t = props[f.code].type;
  answers[f.code] = t === 'NUMBER' ? '10' : t === 'DATE' ? '2027-01-15' : t === 'DROP_DOWN' ? '乙' : t === 'CHECK_BOX' ? ['甲'] : 'テスト入力';
}
const big = Buffer.alloc(5 * 1024 * 1024, 0x41);
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), big.subarray(9)]);
const times = [];
for (let i = 0; i < Number(runs); i++) {
  const t0 = process.hrtime.bigint();
  await api('PUT', '/apply/api/draft.json', { code, answers, step: 3 }, { ...xrw, Cookie: cookie });
  await Promise.all([1, 2, 3].map(async (k) => {
    const fd = new FormData();
    fd.append('code', code);
    fd.append('field', `添付${k}`);
    fd.append('file', new Blob([pdf], { type: 'application/pdf' }), `図面${k}.pdf`);
    const r = await fetch(`${url}/apply/api/file.json`, { method: 'POST', headers: { ...xrw, Cookie: cookie }, body: fd });
    if (!r.ok) throw new Error(`upload ${r.status} ${await r.text()}`);
  }));
  const s = await fetch(`${url}/apply/api/submit.json`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...xrw, Cookie: cookie },
    body: JSON.stringify({ code, idempotencyKey: `k${i}-${randomBytes(4).toString('hex')}` }),
  });
  if (!s.ok) throw new Error(`submit ${s.status} ${await s.text()}`);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ submit_ms: times, median_ms: times[Math.floor(times.length / 2)] }));
// the page bench needs the draft again (step 0 of a fresh draft)
await api('PUT', '/apply/api/draft.json', { code, answers: {}, step: 0 }, { ...xrw, Cookie: cookie });
await new Promise((r) => smtp.close(r));
