// Helpers of the client compatibility suites: @kintone/rest-api-client instances against the
// server scripts/check-compat.sh started, the "every writable field type" form, cli-kintone
// runs, and CSV parsing for export comparisons. Environment and token minting come from
// ../e2e/lib.mjs (no npm dependencies there).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { env, options, sleep } from '../e2e/lib.mjs';

export { env, mintToken, sleep, call, options } from '../e2e/lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const CLI = join(here, 'node_modules', '@kintone', 'cli', 'cli.js');

export function passwordClient(user = env.user, password = env.password) {
  return new KintoneRestAPIClient({ baseUrl: env.url, auth: { username: user, password } });
}

export function tokenClient(apiToken) {
  return new KintoneRestAPIClient({ baseUrl: env.url, auth: { apiToken } });
}

/* Runs fn and returns the KintoneRestAPIError it must throw. */
export async function rejects(fn, what) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail(`${what}: expected an error, the call succeeded`);
}

/* A field of every writable kintone type (plus a CALC), in POST preview/app/form/fields shape. */
export function allFields() {
  return {
    title: { type: 'SINGLE_LINE_TEXT', code: 'title', label: '件名', unique: true, maxLength: '100', required: true },
    qty: { type: 'NUMBER', code: 'qty', label: '数量', minValue: '0', maxValue: '100000', digit: false },
    memo: { type: 'MULTI_LINE_TEXT', code: 'memo', label: '備考' },
    rich: { type: 'RICH_TEXT', code: 'rich', label: 'リッチ' },
    checks: { type: 'CHECK_BOX', code: 'checks', label: 'チェック', options: options('a', 'b', 'c'), align: 'HORIZONTAL' },
    radio: { type: 'RADIO_BUTTON', code: 'radio', label: 'ラジオ', options: options('x', 'y'), defaultValue: 'x', align: 'HORIZONTAL' },
    dd: { type: 'DROP_DOWN', code: 'dd', label: 'ドロップダウン', options: options('p', 'q', 'r') },
    ms: { type: 'MULTI_SELECT', code: 'ms', label: '複数選択', options: options('m1', 'm2', 'm3') },
    d: { type: 'DATE', code: 'd', label: '日付' },
    t: { type: 'TIME', code: 't', label: '時刻' },
    dt: { type: 'DATETIME', code: 'dt', label: '日時' },
    link: { type: 'LINK', code: 'link', label: 'リンク', protocol: 'WEB' },
    attach: { type: 'FILE', code: 'attach', label: '添付ファイル', thumbnailSize: '150' },
    users: { type: 'USER_SELECT', code: 'users', label: '担当者' },
    申請者: { type: 'SINGLE_LINE_TEXT', code: '申請者', label: '申請者' },
    items: {
      type: 'SUBTABLE', code: 'items', label: '明細',
      fields: {
        item_name: { type: 'SINGLE_LINE_TEXT', code: 'item_name', label: '品名' },
        item_qty: { type: 'NUMBER', code: 'item_qty', label: '個数' },
      },
    },
    total: { type: 'CALC', code: 'total', label: '合計', expression: 'qty * 2', format: 'NUMBER' },
  };
}

/* A record value for index i using every field except FILE (kintone write shape). */
export function sampleRecord(i, { user = env.user } = {}) {
  const pad = String(i).padStart(4, '0');
  const rec = {
    title: { value: `r${pad}` },
    qty: { value: String(i) },
    memo: { value: `line 1 of ${i}\n2行目, "quoted", comma` },
    rich: { value: `<div>本文 <b>${i}</b></div>` },
    checks: { value: [['a'], ['b', 'c'], []][i % 3] },
    radio: { value: i % 2 ? 'y' : 'x' },
    dd: { value: ['p', 'q', 'r'][i % 3] },
    ms: { value: i % 4 === 0 ? ['m1', 'm3'] : ['m2'] },
    d: { value: `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}` },
    t: { value: `${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}` },
    dt: { value: `2024-03-${String((i % 28) + 1).padStart(2, '0')}T0${i % 10}:30:00Z` },
    link: { value: `https://example.jp/apply/${i}` },
    users: { value: i % 5 === 0 ? [{ code: user }] : [] },
    申請者: { value: `世田谷 太郎${i}` },
    items: { value: i % 10 === 0 ? [
      { value: { item_name: { value: `品${i}-1` }, item_qty: { value: '1' } } },
      { value: { item_name: { value: `品${i}-2` }, item_qty: { value: String(i) } } },
    ] : [] },
  };
  return rec;
}

/* Creates + deploys an app through rest-api-client (addApp, addFormFields, deployApp, poll). */
export async function createAppWithClient(client, name, properties) {
  const { app } = await client.app.addApp({ name: `${name} ${process.pid}` });
  assert.match(String(app), /^\d+$/);
  const f = await client.app.addFormFields({ app, properties });
  assert.match(String(f.revision), /^\d+$/);
  await client.app.deployApp({ apps: [{ app }] });
  const deadline = Date.now() + 60000;
  for (;;) {
    const { apps } = await client.app.getDeployStatus({ apps: [app] });
    assert.equal(String(apps[0].app), String(app));
    if (apps[0].status === 'SUCCESS') break;
    assert.equal(apps[0].status, 'PROCESSING', `deploy status ${JSON.stringify(apps)}`);
    assert.ok(Date.now() < deadline, 'deploy still PROCESSING after 60 s');
    await sleep(100);
  }
  return String(app);
}

/* Runs cli-kintone; resolves {code, stdout, stderr} (never rejects on a non-zero exit). */
export function cli(args, { timeout = 120000, cwd } = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout, maxBuffer: 64 << 20, cwd, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr, args }));
  });
}

export function cliOk(r) {
  assert.equal(r.code, 0, `cli-kintone ${r.args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 2000)}`);
  return r;
}

/* RFC 4180 CSV (as cli-kintone writes it: quoted cells, embedded newlines) → array of rows. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') { cell += '"'; i++; } else q = false;
      } else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
