// Compatibility: the unmodified cli-kintone (@kintone/cli, run as `node cli.js`) against the
// real server. `record export` to CSV (API token and --username/--password), `record import`
// of that CSV into a second app with the same fields (FILE attachments via
// --attachments-dir), export of the second app and comparison of the CSVs; upsert with
// --update-key; `record delete`; cursor export (--order-by); the client's error messages.
//
// Columns excluded from the A/B comparison, and why: the RECORD_NUMBER column (the importing
// app assigns its own numbers), the SUBTABLE column (it holds server-assigned row ids), and
// CREATOR / CREATED_TIME / MODIFIER / UPDATED_TIME (audit fields: set from the caller and the
// clock when the import runs). Every user-entered value must survive the round trip exactly.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  passwordClient, allFields, sampleRecord, createAppWithClient, mintToken, env, cli, cliOk, parseCsv,
} from './helpers.mjs';

const N = env.long ? 3000 : 120; // records in app A
let client;
let appA, appB, appC;
let tokA, tokB, tokC;
let work;
let skipCodes; // column names excluded from comparisons (see the header comment)
let rnCode; // the RECORD_NUMBER field's code
const files = {}; // record index → {name, data}

const base = () => ['--base-url', env.url];
const pw = () => ['--username', env.user, '--password', env.password];

before(async () => {
  client = passwordClient();
  work = mkdtempSync(join(tmpdir(), 'mado-cli-'));
  appA = await createAppWithClient(client, 'cli source', allFields());
  appB = await createAppWithClient(client, 'cli target token', allFields());
  appC = await createAppWithClient(client, 'cli target password', allFields());
  const records = Array.from({ length: N }, (_, i) => sampleRecord(i));
  // a few records carry attachments (Japanese names, binary content, two files in one record)
  for (const i of [3, 17, 42]) {
    const list = [];
    for (const [k, name] of [[0, `申請書_${i}.pdf`], [1, `添付 ${i}.bin`]].slice(0, i === 17 ? 2 : 1)) {
      const data = randomBytes(1000 + i * 37 + k);
      const { fileKey } = await client.file.uploadFile({ file: { name, data } });
      list.push({ name, data, fileKey });
    }
    files[i] = list;
    records[i].attach = { value: list.map((f) => ({ fileKey: f.fileKey })) };
  }
  // awkward CSV content
  records[5].memo = { value: 'a,b\n"c"\r\nd\u3000全角スペース' };
  records[6].title = { value: 'カンマ, と "引用符"' };
  records[7].rich = { value: '<p>改行<br />あり &amp; entity</p>' };
  await client.record.addAllRecords({ app: appA, records });
  tokA = await mintToken(appA, ['view']);
  tokB = await mintToken(appB, ['view', 'add', 'edit', 'delete']);
  tokC = await mintToken(appC, ['view', 'delete']);
  const { properties } = await client.app.getFormFields({ app: appA });
  skipCodes = new Set(Object.values(properties)
    .filter((p) => ['RECORD_NUMBER', 'CREATOR', 'CREATED_TIME', 'MODIFIER', 'UPDATED_TIME', 'SUBTABLE'].includes(p.type))
    .map((p) => p.code));
  rnCode = Object.values(properties).find((p) => p.type === 'RECORD_NUMBER').code;
});

/* Drops the excluded columns; returns {header, rows}. */
function comparable(csv) {
  const rows = parseCsv(csv);
  const header = rows[0];
  const keep = header.map((h, i) => (skipCodes.has(h) ? -1 : i)).filter((i) => i >= 0);
  return { header: keep.map((i) => header[i]), rows: rows.slice(1).map((r) => keep.map((i) => r[i])) };
}

function assertSameCsv(a, b, what) {
  const A = comparable(a);
  const B = comparable(b);
  assert.deepEqual(B.header, A.header, `${what}: header`);
  assert.equal(B.rows.length, A.rows.length, `${what}: number of CSV lines`);
  for (let i = 0; i < A.rows.length; i++) assert.deepEqual(B.rows[i], A.rows[i], `${what}: CSV line ${i + 2}`);
}

async function exportCsv(app, auth, extra = []) {
  const r = cliOk(await cli(['record', 'export', ...base(), '--app', app, ...auth, ...extra]));
  return r.stdout;
}

let csvA;

test('record export (API token): header, one line per record plus table rows, values', async () => {
  csvA = await exportCsv(appA, ['--api-token', tokA]);
  const rows = parseCsv(csvA);
  const header = rows[0];
  assert.equal(header[0], '*', 'a SUBTABLE makes the first column "*"');
  for (const code of Object.keys(allFields())) assert.ok(header.includes(code), `column ${code}: ${header.join(',')}`);
  const starts = rows.slice(1).filter((r) => r[0] === '*').length;
  assert.equal(starts, N, 'one "*" line per record');
  // records with two table rows take two lines
  const tableRecords = Array.from({ length: N }, (_, i) => i).filter((i) => i % 10 === 0).length;
  assert.equal(rows.length - 1, N + tableRecords);
  const col = (name) => header.indexOf(name);
  const r5 = rows.find((r) => r[col('title')] === 'r0005');
  assert.equal(r5[col('memo')], 'a,b\n"c"\r\nd\u3000全角スペース');
  const r6 = rows.find((r) => r[col('title')] === 'カンマ, と "引用符"');
  assert.ok(r6, 'a title with a comma and quotes survives');
  const r17 = rows.find((r) => r[col('title')] === 'r0017');
  assert.equal(r17[col('attach')], '申請書_17.pdf\n添付 17.bin');
  const r4 = rows.find((r) => r[col('title')] === 'r0004');
  assert.equal(r4[col('ms')], 'm1\nm3');
  assert.equal(r4[col('checks')], 'b\nc');
  assert.equal(r4[col('total')], '8');
});

test('record export with --username/--password gives the same CSV as with the API token', async () => {
  const viaPassword = await exportCsv(appA, pw());
  assert.equal(viaPassword, csvA);
});

test('record import (API token, --attachments-dir) into a second app; export matches', async () => {
  const dirA = join(work, 'attA');
  const csvAtt = await exportCsv(appA, ['--api-token', tokA, '--attachments-dir', dirA]);
  const withAtt = join(work, 'a-att.csv');
  writeFileSync(withAtt, csvAtt);
  // the attachments were written to disk byte-identically
  const idsA = (await client.record.getAllRecords({ app: appA, fields: ['$id', 'title'] }));
  const idOf = (i) => idsA.find((r) => r.title.value === `r${String(i).padStart(4, '0')}`).$id.value;
  for (const [i, list] of Object.entries(files)) {
    for (const f of list) {
      const p = join(dirA, `attach-${idOf(Number(i))}`, f.name);
      assert.ok(existsSync(p), `exported attachment ${p}; dir has ${readdirSync(dirA).join(',')}`);
      assert.ok(readFileSync(p).equals(f.data), `bytes of ${p}`);
    }
  }
  const imp = cliOk(await cli(['record', 'import', ...base(), '--app', appB, '--api-token', tokB, '--file-path', withAtt, '--attachments-dir', dirA]));
  assert.doesNotMatch(imp.stderr, /ERROR/, imp.stderr);
  const { totalCount } = await client.record.getRecords({ app: appB, query: 'limit 1', totalCount: true });
  assert.equal(totalCount, String(N));
  const csvB = await exportCsv(appB, ['--api-token', tokB]);
  assertSameCsv(csvA, csvB, 'export(A) vs export(import(A) into B)');
  // files came across with the same bytes
  const dirB = join(work, 'attB');
  await exportCsv(appB, ['--api-token', tokB, '--attachments-dir', dirB]);
  const idsB = await client.record.getAllRecords({ app: appB, fields: ['$id', 'title'] });
  for (const [i, list] of Object.entries(files)) {
    const idB = idsB.find((r) => r.title.value === `r${String(i).padStart(4, '0')}`).$id.value;
    for (const f of list) {
      const p = join(dirB, `attach-${idB}`, f.name);
      assert.ok(existsSync(p), `re-exported attachment ${p}`);
      assert.ok(readFileSync(p).equals(f.data), `bytes of ${p}`);
    }
  }
  // CALC was recomputed by the target app, not imported
  const { records } = await client.record.getRecords({ app: appB, query: 'title = "r0021"' });
  assert.equal(records[0].total.value, '42');
});

test('record import and export with --username/--password; export matches', async () => {
  const dirA = join(work, 'attA-pw');
  const csvAtt = await exportCsv(appA, [...pw(), '--attachments-dir', dirA]);
  const p = join(work, 'a-att-pw.csv');
  writeFileSync(p, csvAtt);
  cliOk(await cli(['record', 'import', ...base(), '--app', appC, ...pw(), '--file-path', p, '--attachments-dir', dirA]));
  const csvC = await exportCsv(appC, pw());
  assertSameCsv(csvA, csvC, 'export(A) vs export(import(A) into C) with password auth');
});

test('record import --update-key (upsert): changed lines update, new lines insert', async () => {
  const csvB = await exportCsv(appB, ['--api-token', tokB]);
  const rows = parseCsv(csvB);
  const header = rows[0];
  const keep = ['title', 'qty', 'memo', '申請者'];
  const idx = keep.map((c) => header.indexOf(c));
  const esc = (v) => `"${String(v).replace(/"/g, '""')}"`;
  const lines = [keep.map(esc).join(',')];
  const firstLines = rows.slice(1).filter((r) => r[0] === '*');
  for (const r of firstLines.slice(0, 30)) {
    const vals = idx.map((i) => r[i]);
    vals[1] = String(Number(vals[1]) + 10000); // qty
    vals[3] = `${vals[3]} (更新)`;
    lines.push(vals.map(esc).join(','));
  }
  lines.push(['brand-new-1', '7', 'from upsert', '新規'].map(esc).join(','));
  lines.push(['brand-new-2', '8', '', '新規'].map(esc).join(','));
  const p = join(work, 'upsert.csv');
  writeFileSync(p, lines.join('\n') + '\n');
  cliOk(await cli(['record', 'import', ...base(), '--app', appB, '--api-token', tokB, '--file-path', p, '--update-key', 'title']));
  const { totalCount } = await client.record.getRecords({ app: appB, query: 'limit 1', totalCount: true });
  assert.equal(totalCount, String(N + 2));
  const upd = await client.record.getRecords({ app: appB, query: '申請者 like "(更新)"', totalCount: true });
  assert.equal(upd.totalCount, '30');
  const { records } = await client.record.getRecords({ app: appB, query: 'title = "r0003"' });
  assert.equal(records[0].qty.value, '10003');
  assert.equal(records[0].attach.value.length, 1, 'fields not in the CSV are kept');
  const nw = await client.record.getRecords({ app: appB, query: 'title in ("brand-new-1", "brand-new-2") order by title asc' });
  assert.deepEqual(nw.records.map((r) => [r.qty.value, r.申請者.value]), [['7', '新規'], ['8', '新規']]);
  // RECORD_NUMBER as the key
  const target = (await client.record.getRecords({ app: appB, query: 'title = "r0009"' })).records[0];
  const p2 = join(work, 'upsert-rn.csv');
  writeFileSync(p2, `${esc(rnCode)},"title","qty"\n${esc(target.$id.value)},"r0009","4242"\n"","rn-new","4343"\n`);
  cliOk(await cli(['record', 'import', ...base(), '--app', appB, '--api-token', tokB, '--file-path', p2, '--update-key', rnCode]));
  const again = (await client.record.getRecords({ app: appB, query: 'title = "r0009"' })).records[0];
  assert.equal(again.qty.value, '4242');
  const inserted = await client.record.getRecords({ app: appB, query: 'qty = 4343', totalCount: true });
  assert.equal(inserted.totalCount, '1', 'an empty record-number key inserts');
});

test('record export with --condition and --order-by (cursor) and --fields', async () => {
  const csv = await exportCsv(appA, ['--api-token', tokA, '--condition', 'qty >= 100', '--order-by', 'qty desc', '--fields', 'title,qty']);
  const rows = parseCsv(csv);
  assert.deepEqual(rows[0], ['title', 'qty']);
  const want = Array.from({ length: N }, (_, i) => i).filter((i) => i >= 100).reverse();
  assert.deepEqual(rows.slice(1).map((r) => r[1]), want.map(String));
  // a condition through the seek path (no order-by)
  const csv2 = await exportCsv(appA, pw().concat(['--condition', 'dd in ("r") and qty < 20', '--fields', 'qty']));
  assert.deepEqual(parseCsv(csv2).slice(1).map((r) => r[0]), ['2', '5', '8', '11', '14', '17']);
});

test('record delete (API token) empties the app', async () => {
  const r = cliOk(await cli(['record', 'delete', ...base(), '--app', appC, '--api-token', tokC, '--yes']));
  assert.equal(r.code, 0);
  const { totalCount } = await client.record.getRecords({ app: appC, query: 'limit 1', totalCount: true });
  assert.equal(totalCount, '0');
});

test('cli-kintone error messages: [401] [CB_WA01], [400] [GAIA_IA02], [404] [GAIA_AP01]', async () => {
  const wrong = await cli(['record', 'export', ...base(), '--app', appA, '--username', env.user, '--password', 'not-the-password']);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr + wrong.stdout, /\[401\] \[CB_WA01\]/);
  const foreign = await cli(['record', 'export', ...base(), '--app', appA, '--api-token', tokB]);
  assert.notEqual(foreign.code, 0);
  assert.match(foreign.stderr + foreign.stdout, /\[400\] \[GAIA_IA02\]/);
  const unknown = await cli(['record', 'export', ...base(), '--app', '987654', ...pw()]);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr + unknown.stdout, /\[404\] \[GAIA_AP01\]/);
  const imp = await cli(['record', 'import', ...base(), '--app', appA, '--api-token', tokA, '--file-path', join(work, 'upsert.csv')]);
  assert.notEqual(imp.code, 0, 'a view-only token cannot import');
  assert.match(imp.stderr + imp.stdout, /\[403\] \[CB_NO02\]/);
});

test('cleanup', () => {
  rmSync(work, { recursive: true, force: true });
});
