// Compatibility: the unmodified @kintone/rest-api-client (npm, see package-lock.json) against
// the real server binary. Creates its own app with a field of every writable type through the
// client's app API, loads 2,000 records with addAllRecords and reads, updates and deletes
// them with the client's bulk helpers; files with a Japanese name; bulkRequest atomicity;
// optimistic locking; comments; the error codes the client surfaces. Tests run in order and
// share the app (node:test runs the tests of one file sequentially).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  passwordClient, tokenClient, rejects, allFields, sampleRecord, createAppWithClient, mintToken, env,
} from './helpers.mjs';

const N = env.long ? 10000 : 2000;
let client; // admin service account, X-Cybozu-Authorization
let app;
let ids = []; // ids[i] = record id of sampleRecord(i)

before(() => {
  client = passwordClient();
});

const byId = (a, b) => Number(a.$id.value) - Number(b.$id.value);

/* Compares a record as read (GET shape) with what sampleRecord(i) wrote. */
function assertMatchesSample(rec, i, what) {
  const s = sampleRecord(i);
  const m = `${what} record #${i} (id ${rec.$id?.value})`;
  for (const code of ['title', 'qty', 'memo', 'rich', 'radio', 'dd', 'd', 't', 'dt', 'link', '申請者']) {
    assert.equal(rec[code]?.value, s[code].value, `${m}: ${code} = ${JSON.stringify(rec[code])}`);
  }
  assert.deepEqual([...rec.checks.value].sort(), [...s.checks.value].sort(), `${m}: checks`);
  assert.deepEqual([...rec.ms.value].sort(), [...s.ms.value].sort(), `${m}: ms`);
  assert.deepEqual(rec.users.value.map((u) => u.code), s.users.value.map((u) => u.code), `${m}: users`);
  for (const u of rec.users.value) assert.equal(typeof u.name, 'string', `${m}: users[].name`);
  assert.equal(rec.items.type, 'SUBTABLE');
  assert.deepEqual(rec.items.value.map((row) => ({ n: row.value.item_name.value, q: row.value.item_qty.value })),
    s.items.value.map((row) => ({ n: row.value.item_name.value, q: row.value.item_qty.value })), `${m}: items`);
  for (const row of rec.items.value) assert.match(String(row.id), /^\d+$/, `${m}: subtable row id`);
  assert.equal(rec.total.value, String(i * 2), `${m}: CALC total`);
  assert.equal(rec.total.type, 'CALC');
  assert.deepEqual(rec.attach.value, [], `${m}: attach`);
  assert.equal(rec.$id.type, '__ID__');
  assert.equal(rec.$revision.type, '__REVISION__');
}

test('addApp + addFormFields (every writable type) + deployApp + getDeployStatus', async () => {
  app = await createAppWithClient(client, 'compat all types', allFields());
  const info = await client.app.getApp({ id: app });
  assert.equal(String(info.appId), app);
  assert.match(info.name, /^compat all types/);
  assert.equal(typeof info.code, 'string');
});

test('getFormFields / getFormLayout', async () => {
  const { properties, revision } = await client.app.getFormFields({ app });
  assert.match(revision, /^\d+$/);
  const want = allFields();
  for (const [code, def] of Object.entries(want)) {
    assert.ok(properties[code], `field ${code} missing: ${Object.keys(properties).join(',')}`);
    assert.equal(properties[code].type, def.type, code);
    assert.equal(properties[code].code, code);
    assert.equal(properties[code].label, def.label, code);
  }
  assert.equal(properties.title.unique, true);
  assert.equal(properties.title.maxLength, '100');
  assert.equal(properties.title.required, true);
  assert.equal(properties.qty.minValue, '0');
  assert.equal(properties.qty.maxValue, '100000');
  assert.deepEqual(Object.keys(properties.checks.options).sort(), ['a', 'b', 'c']);
  assert.deepEqual(properties.checks.options.b, { label: 'b', index: '1' });
  assert.equal(properties.total.expression, 'qty * 2');
  assert.deepEqual(Object.keys(properties.items.fields).sort(), ['item_name', 'item_qty']);
  for (const sys of ['RECORD_NUMBER', 'CREATOR', 'CREATED_TIME', 'MODIFIER', 'UPDATED_TIME', 'STATUS', 'STATUS_ASSIGNEE', 'CATEGORY']) {
    assert.ok(Object.values(properties).some((p) => p.type === sys), `system field ${sys}`);
  }
  // preview shows the same definition after deploy
  const pv = await client.app.getFormFields({ app, preview: true });
  assert.deepEqual(Object.keys(pv.properties).sort(), Object.keys(properties).sort());
  // English labels request is accepted
  await client.app.getFormFields({ app, lang: 'en' });

  const { layout } = await client.app.getFormLayout({ app });
  assert.ok(Array.isArray(layout) && layout.length > 0);
  const codes = [];
  for (const el of layout) {
    assert.ok(['ROW', 'SUBTABLE', 'GROUP'].includes(el.type), JSON.stringify(el));
    if (el.type === 'SUBTABLE') {
      assert.equal(el.code, 'items');
      assert.deepEqual(el.fields.map((f) => f.code).sort(), ['item_name', 'item_qty']);
      codes.push(el.code);
    } else if (el.type === 'ROW') {
      for (const f of el.fields) if (f.code) codes.push(f.code);
    }
  }
  for (const code of Object.keys(allFields())) assert.ok(codes.includes(code), `layout lacks ${code}: ${codes.join(',')}`);
});

test(`addAllRecords: ${N} records (bulkRequest of 20 × 100)`, async (t) => {
  const records = Array.from({ length: N }, (_, i) => sampleRecord(i));
  const t0 = Date.now();
  const res = await client.record.addAllRecords({ app, records });
  const ms = Date.now() - t0;
  assert.equal(res.records.length, N);
  ids = res.records.map((r) => r.id);
  assert.equal(new Set(ids).size, N, 'ids are unique');
  for (const r of res.records) {
    assert.match(r.id, /^\d+$/);
    assert.equal(r.revision, '1');
  }
  // ids are assigned in order
  for (let i = 1; i < N; i++) assert.ok(Number(ids[i]) > Number(ids[i - 1]), `ids in order at ${i}`);
  const { totalCount } = await client.record.getRecords({ app, query: 'limit 1', totalCount: true });
  assert.equal(totalCount, String(N));
  t.diagnostic(`addAllRecords of ${N} records: ${ms} ms`);
});

test('getRecord: every field type reads back as written', async () => {
  for (const i of [0, 1, 2, 5, 10, 1234 % N, N - 1]) {
    const { record } = await client.record.getRecord({ app, id: ids[i] });
    assertMatchesSample(record, i, 'getRecord');
    assert.equal(record.$id.value, ids[i]);
    const rn = Object.values(record).find((f) => f.type === 'RECORD_NUMBER');
    assert.equal(rn.value, ids[i]);
    const creator = Object.values(record).find((f) => f.type === 'CREATOR');
    assert.equal(creator.value.code, env.user);
    const created = Object.values(record).find((f) => f.type === 'CREATED_TIME');
    assert.match(created.value, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
  }
});

test('getRecords with a query: exact ids and totalCount', async () => {
  const r1 = await client.record.getRecords({ app, query: 'qty >= 100 and qty < 110 order by qty asc', totalCount: true });
  assert.equal(r1.totalCount, '10');
  assert.deepEqual(r1.records.map((r) => r.$id.value), ids.slice(100, 110));
  const r2 = await client.record.getRecords({ app, fields: ['title', '$id'], query: 'dd in ("q") and qty < 30 order by $id desc', totalCount: true });
  const want2 = ids.filter((_, i) => i < 30 && i % 3 === 1).reverse();
  assert.equal(r2.totalCount, String(want2.length));
  assert.deepEqual(r2.records.map((r) => r.$id.value), want2);
  const r3 = await client.record.getRecords({ app, query: 'title = "r0042"' });
  assert.deepEqual(r3.records.map((r) => r.$id.value), [ids[42]]);
  assert.equal(r3.totalCount, null);
  const r4 = await client.record.getRecords({ app, query: '申請者 like "太郎77" and checks in ("b") order by $id asc', totalCount: true });
  const want4 = ids.filter((_, i) => String(i).includes('77') && `世田谷 太郎${i}`.includes('太郎77') && i % 3 === 1);
  assert.deepEqual(r4.records.map((r) => r.$id.value), want4.slice(0, 100));
  assert.equal(r4.totalCount, String(want4.length));
  const r5 = await client.record.getRecords({ app, query: 'item_name like "品20-" order by $id asc', totalCount: true });
  assert.deepEqual(r5.records.map((r) => r.$id.value), ids.filter((_, i) => i % 10 === 0 && (`品${i}-1`.includes('品20-'))));
  const r6 = await client.record.getRecords({ app, query: 'd = "2024-02-02" and t >= "01:00" order by $id asc limit 3 offset 1', totalCount: true });
  const want6 = ids.filter((_, i) => i % 12 === 1 && i % 28 === 1 && i % 24 >= 1);
  assert.equal(r6.totalCount, String(want6.length));
  assert.deepEqual(r6.records.map((r) => r.$id.value), want6.slice(1, 4));
  const r7 = await client.record.getRecords({ app, query: `$id in (${ids[7]}, ${ids[8]}) and ms in ("m2")` });
  assert.deepEqual(r7.records.map((r) => r.$id.value).sort(), [ids[7]].sort());
  // a query longer than 4096 characters: the client switches to POST + X-HTTP-Method-Override
  const many = Array.from({ length: 600 }, (_, i) => `"r${String(i).padStart(4, '0')}"`).join(',');
  const r8 = await client.record.getRecords({ app, fields: ['$id'], query: `title in (${many}) order by $id asc limit 500`, totalCount: true });
  assert.equal(r8.totalCount, String(Math.min(600, N)));
  assert.deepEqual(r8.records.map((r) => r.$id.value), ids.slice(0, 500));
  // `fields` selects those fields; by this project's contract (issue #2) $id and $revision are
  // always present as well (kintone omits $revision; the clients accept either)
  for (const r of r2.records) assert.deepEqual(Object.keys(r).sort(), ['$id', '$revision', 'title'], `fields=[title,$id]: ${JSON.stringify(r)}`);
});

test('getAllRecords by cursor (orderBy), by id seek (no orderBy) and by offset: same records', async () => {
  const condition = 'qty >= 500';
  const wantIds = ids.slice(500);
  const cursor = await client.record.getAllRecords({ app, condition, orderBy: 'qty desc' });
  assert.deepEqual(cursor.map((r) => r.$id.value), [...wantIds].reverse(), 'cursor order: qty desc');
  const seek = await client.record.getAllRecords({ app, condition });
  assert.deepEqual(seek.map((r) => r.$id.value), wantIds, 'seek order: $id asc');
  const offset = await client.record.getAllRecords({ app, condition, orderBy: '$id asc', withCursor: false });
  assert.deepEqual(offset.map((r) => r.$id.value), wantIds, 'offset order');
  const a = [...cursor].sort(byId);
  assert.deepEqual([...seek].sort(byId), a, 'seek and cursor return identical records');
  assert.deepEqual([...offset].sort(byId), a, 'offset and cursor return identical records');
  for (const i of [500, 777, N - 1]) assertMatchesSample(seek[i - 500], i, 'getAllRecords');
  // with fields: the client appends $id for seek
  const some = await client.record.getAllRecords({ app, fields: ['title'], condition: 'qty < 3' });
  assert.deepEqual(some.map((r) => r.title.value), ['r0000', 'r0001', 'r0002']);
  // everything, no condition, by cursor with a single field
  const all = await client.record.getAllRecordsWithCursor({ app, fields: ['$id'], query: 'order by $id asc' });
  assert.deepEqual(all.map((r) => r.$id.value), ids);
});

test('createCursor / getRecordsByCursor / deleteCursor', async () => {
  const { id, totalCount } = await client.record.createCursor({ app, fields: ['$id', 'qty'], query: 'qty < 250 order by qty asc', size: 100 });
  assert.equal(totalCount, '250');
  const seen = [];
  for (let n = 0; ; n++) {
    const page = await client.record.getRecordsByCursor({ id });
    seen.push(...page.records.map((r) => r.qty.value));
    if (!page.next) break;
    assert.ok(n < 10);
  }
  assert.deepEqual(seen, Array.from({ length: 250 }, (_, i) => String(i)));
  const c2 = await client.record.createCursor({ app, query: 'order by $id asc' });
  const p = await client.record.getRecordsByCursor({ id: c2.id });
  assert.equal(p.records.length, 100, 'default cursor size is 100');
  assert.equal(p.next, true);
  await client.record.deleteCursor({ id: c2.id });
  const e = await rejects(() => client.record.getRecordsByCursor({ id: c2.id }), 'deleted cursor');
  assert.equal(e.code, 'GAIA_CU01', e.message);
});

test('updateAllRecords by id (with revision) and by updateKey with upsert', async () => {
  const byIdRecs = ids.slice(300, 600).map((id, k) => ({ id, revision: '1', record: { memo: { value: `updated by id ${300 + k}` } } }));
  const r1 = await client.record.updateAllRecords({ app, records: byIdRecs });
  assert.equal(r1.records.length, 300);
  for (const [k, r] of r1.records.entries()) {
    assert.equal(r.id, ids[300 + k]);
    assert.equal(r.revision, '2');
  }
  const byKey = Array.from({ length: 300 }, (_, k) => ({
    updateKey: { field: 'title', value: `r${String(600 + k).padStart(4, '0')}` },
    record: { 申請者: { value: `更新 ${600 + k}` }, items: { value: [{ value: { item_name: { value: 'upd' }, item_qty: { value: '9' } } }] } },
  }));
  const fresh = Array.from({ length: 5 }, (_, k) => ({
    updateKey: { field: 'title', value: `new-${k}` },
    record: { qty: { value: String(50000 + k) } },
  }));
  const r2 = await client.record.updateAllRecords({ app, upsert: true, records: [...byKey, ...fresh] });
  assert.equal(r2.records.length, 305);
  for (const [k, r] of r2.records.slice(0, 300).entries()) {
    assert.equal(r.id, ids[600 + k]);
    assert.equal(r.operation, 'UPDATE');
    assert.equal(r.revision, '2');
  }
  const inserted = r2.records.slice(300);
  for (const r of inserted) {
    assert.equal(r.operation, 'INSERT');
    assert.equal(r.revision, '1');
    assert.ok(Number(r.id) > Number(ids[N - 1]));
  }
  // read back
  const { record: a } = await client.record.getRecord({ app, id: ids[450] });
  assert.equal(a.memo.value, 'updated by id 450');
  assert.equal(a.$revision.value, '2');
  assert.equal(a.qty.value, '450', 'fields not sent are kept');
  const { record: b } = await client.record.getRecord({ app, id: ids[700] });
  assert.equal(b.申請者.value, '更新 700');
  assert.deepEqual(b.items.value.map((row) => row.value.item_name.value), ['upd']);
  assert.equal(b.title.value, 'r0700');
  const { record: c } = await client.record.getRecord({ app, id: inserted[2].id });
  assert.equal(c.title.value, 'new-2');
  assert.equal(c.qty.value, '50002');
  assert.equal(c.radio.value, 'x', 'defaultValue applies to an upserted INSERT');
  assert.equal(c.total.value, '100004');
  const { totalCount } = await client.record.getRecords({ app, query: 'title like "new-"', totalCount: true });
  assert.equal(totalCount, '5');
  // single-record update/upsert helpers
  const u = await client.record.updateRecord({ app, id: ids[1], revision: 1, record: { qty: { value: 1 } } });
  assert.equal(u.revision, '2');
  const up1 = await client.record.upsertRecord({ app, updateKey: { field: 'title', value: 'r0002' }, record: { memo: { value: 'upserted' } } });
  assert.equal(up1.id, ids[2]);
  const up2 = await client.record.upsertRecord({ app, updateKey: { field: 'title', value: 'single-upsert' }, record: { qty: { value: '3' } } });
  assert.equal(up2.revision, '1');
  await client.record.deleteRecords({ app, ids: [up2.id] });
});

test('deleteAllRecords', async () => {
  const doomed = ids.slice(0, 200).map((id) => ({ id }));
  await client.record.deleteAllRecords({ app, records: doomed });
  const { totalCount } = await client.record.getRecords({ app, query: 'limit 1', totalCount: true });
  assert.equal(totalCount, String(N + 5 - 200));
  const left = await client.record.getRecords({ app, fields: ['$id'], query: `$id <= ${ids[199]}`, totalCount: true });
  assert.equal(left.totalCount, '0');
  const e = await rejects(() => client.record.getRecord({ app, id: ids[0] }), 'deleted record');
  assert.equal(e.status, 404);
  assert.equal(e.code, 'GAIA_RE01');
  // deleting already-deleted ids fails as a whole
  const e2 = await rejects(() => client.record.deleteRecords({ app, ids: [ids[300], ids[5]] }), 'delete of a deleted id');
  assert.equal(e2.code, 'GAIA_RE01', e2.message);
  await client.record.getRecord({ app, id: ids[300] });
});

test('uploadFile / downloadFile with a Japanese file name, attached to a record', async () => {
  const name = '日本語の申請書.pdf';
  const data = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(300 * 1024)]);
  const { fileKey } = await client.file.uploadFile({ file: { name, data } });
  assert.equal(typeof fileKey, 'string');
  const raw = Buffer.from(await client.file.downloadFile({ fileKey }));
  assert.ok(raw.equals(data), 'the uploaded bytes download identically (before attaching)');
  const { id } = await client.record.addRecord({ app, record: { title: { value: 'with-file' }, attach: { value: [{ fileKey }] } } });
  const { record } = await client.record.getRecord({ app, id });
  assert.equal(record.attach.value.length, 1);
  const f = record.attach.value[0];
  assert.equal(f.name, name);
  assert.equal(f.size, String(data.length));
  assert.equal(f.contentType, 'application/pdf');
  assert.equal(typeof f.fileKey, 'string');
  const got = Buffer.from(await client.file.downloadFile({ fileKey: f.fileKey }));
  assert.ok(got.equals(data), `downloaded ${got.length} bytes, uploaded ${data.length}`);
  // FILE fields are searchable by name
  const byName = await client.record.getRecords({ app, query: 'attach like "申請書"' });
  assert.deepEqual(byName.records.map((r) => r.$id.value), [id]);
  // a second file added next to the first (kintone: pass the existing key to keep it)
  const second = await client.file.uploadFile({ file: { name: 'メモ.txt', data: Buffer.from('こんにちは\n') } });
  await client.record.updateRecord({ app, id, record: { attach: { value: [{ fileKey: f.fileKey }, { fileKey: second.fileKey }] } } });
  const { record: r2 } = await client.record.getRecord({ app, id });
  assert.deepEqual(r2.attach.value.map((x) => x.name), [name, 'メモ.txt']);
  assert.ok(Buffer.from(await client.file.downloadFile({ fileKey: r2.attach.value[0].fileKey })).equals(data));
  assert.equal(Buffer.from(await client.file.downloadFile({ fileKey: r2.attach.value[1].fileKey })).toString(), 'こんにちは\n');
  // an empty file: stored and returned empty, or refused with a kintone error (never a 5xx)
  try {
    const empty = await client.file.uploadFile({ file: { name: '空.bin', data: Buffer.alloc(0) } });
    assert.equal(Buffer.from(await client.file.downloadFile({ fileKey: empty.fileKey })).length, 0);
  } catch (err) {
    assert.ok(err.status >= 400 && err.status < 500 && err.code, `empty upload: ${err.message}`);
  }
  // an unknown key
  const e = await rejects(() => client.file.downloadFile({ fileKey: 'no-such-file-key' }), 'unknown fileKey');
  assert.equal(e.status, 404, e.message);
});

test('bulkRequest: success, and all-or-nothing failure reported at the right index', async () => {
  const ok = await client.bulkRequest({
    requests: [
      { method: 'POST', api: '/k/v1/records.json', payload: { app, records: [{ title: { value: 'bulk-a' } }, { title: { value: 'bulk-b' } }] } },
      { method: 'PUT', api: '/k/v1/record.json', payload: { app, id: ids[900], record: { memo: { value: 'bulk put' } } } },
      { method: 'DELETE', api: '/k/v1/records.json', payload: { app, ids: [ids[901]] } },
      { method: 'POST', api: '/k/v1/record.json', payload: { app, record: { title: { value: 'bulk-c' } } } },
    ],
  });
  assert.equal(ok.results.length, 4);
  assert.equal(ok.results[0].ids.length, 2);
  assert.equal(ok.results[1].revision, '2');
  assert.deepEqual(ok.results[2], {});
  assert.match(ok.results[3].id, /^\d+$/);
  const e = await rejects(() => client.bulkRequest({
    requests: [
      { method: 'POST', api: '/k/v1/record.json', payload: { app, record: { title: { value: 'bulk-should-vanish' } } } },
      { method: 'PUT', api: '/k/v1/record.json', payload: { app, id: ids[902], record: { qty: { value: 'not a number' } } } },
      { method: 'DELETE', api: '/k/v1/records.json', payload: { app, ids: [ids[903]] } },
    ],
  }), 'failing bulkRequest');
  assert.equal(e.status, 400);
  assert.equal(e.bulkRequestIndex, 1, e.message);
  assert.equal(e.code, 'CB_VA01');
  assert.ok(e.errors && (e.errors['record.qty.value'] || e.errors['record[qty].value']), JSON.stringify(e.errors));
  assert.match(e.message, /^\[400\] \[CB_VA01\] /);
  const gone = await client.record.getRecords({ app, query: 'title = "bulk-should-vanish"' });
  assert.equal(gone.records.length, 0, 'request 0 of the failed bulkRequest was rolled back');
  await client.record.getRecord({ app, id: ids[903] }); // request 2 never ran
  const { record } = await client.record.getRecord({ app, id: ids[902] });
  assert.equal(record.qty.value, '902');
  // a stale revision inside a bulkRequest: 409 at its index
  const e2 = await rejects(() => client.bulkRequest({
    requests: [
      { method: 'PUT', api: '/k/v1/record.json', payload: { app, id: ids[904], revision: 1, record: { memo: { value: 'ok' } } } },
      { method: 'PUT', api: '/k/v1/record.json', payload: { app, id: ids[904], revision: 1, record: { memo: { value: 'stale' } } } },
    ],
  }), 'stale bulkRequest');
  assert.equal(e2.status, 409);
  assert.equal(e2.bulkRequestIndex, 1);
  assert.equal(e2.code, 'GAIA_CO02');
  const { record: r904 } = await client.record.getRecord({ app, id: ids[904] });
  assert.equal(r904.$revision.value, '1');
});

test('optimistic locking: stale revision → 409 GAIA_CO02', async () => {
  const id = ids[1000];
  const { revision } = await client.record.updateRecord({ app, id, revision: 1, record: { memo: { value: 'v2' } } });
  assert.equal(revision, '2');
  const e = await rejects(() => client.record.updateRecord({ app, id, revision: 1, record: { memo: { value: 'lost update' } } }), 'stale update');
  assert.equal(e.status, 409);
  assert.equal(e.code, 'GAIA_CO02');
  assert.match(e.message, /^\[409\] \[GAIA_CO02\] /);
  const e2 = await rejects(() => client.record.updateRecords({ app, records: [{ id: ids[1001], revision: 1, record: {} }, { id, revision: 1, record: {} }] }), 'stale batch');
  assert.equal(e2.code, 'GAIA_CO02');
  const e3 = await rejects(() => client.record.deleteRecords({ app, ids: [id], revisions: [1] }), 'stale delete');
  assert.equal(e3.code, 'GAIA_CO02');
  const { record } = await client.record.getRecord({ app, id });
  assert.equal(record.memo.value, 'v2');
  assert.equal(record.$revision.value, '2');
  const { record: other } = await client.record.getRecord({ app, id: ids[1001] });
  assert.equal(other.$revision.value, '1', 'nothing of the failed batch was written');
});

test('record comments: add, list (order, paging), delete', async () => {
  const record = ids[1100];
  const added = [];
  for (let k = 0; k < 12; k++) {
    const { id } = await client.record.addRecordComment({ app, record, comment: { text: `コメント ${k}`, mentions: k === 0 ? [{ code: env.user, type: 'USER' }] : [] } });
    assert.match(id, /^\d+$/);
    added.push(id);
  }
  const desc = await client.record.getRecordComments({ app, record });
  assert.equal(desc.comments.length, 10);
  assert.deepEqual(desc.comments.map((c) => c.id), [...added].reverse().slice(0, 10));
  assert.equal(desc.older, true);
  assert.equal(desc.newer, false);
  const c0 = desc.comments[0];
  assert.equal(c0.creator.code, env.user);
  assert.match(c0.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(c0.text.includes('コメント 11'));
  const asc = await client.record.getRecordComments({ app, record, order: 'asc', offset: 10, limit: 5 });
  assert.deepEqual(asc.comments.map((c) => c.id), added.slice(10));
  assert.equal(asc.newer, false);
  assert.equal(asc.older, true);
  const first = (await client.record.getRecordComments({ app, record, order: 'asc', limit: 1 })).comments[0];
  assert.deepEqual(first.mentions, [{ code: env.user, type: 'USER' }]);
  await client.record.deleteRecordComment({ app, record, comment: added[3] });
  const after = await client.record.getRecordComments({ app, record, order: 'asc', limit: 10 });
  assert.ok(!after.comments.some((c) => c.id === added[3]));
  const e = await rejects(() => client.record.deleteRecordComment({ app, record, comment: added[3] }), 'deleted comment');
  assert.equal(e.code, 'GAIA_RE02');
});

test('API-token clients: single token, several tokens, permissions', async () => {
  const tok = await mintToken(app, ['view', 'add', 'edit', 'delete']);
  const tc = tokenClient(tok);
  const { id } = await tc.record.addRecord({ app, record: { title: { value: 'by-token' } } });
  const { record } = await tc.record.getRecord({ app, id });
  assert.equal(record.title.value, 'by-token');
  await tc.record.updateRecord({ app, id, record: { qty: { value: '5' } } });
  await tc.record.deleteRecords({ app, ids: [id] });
  // two tokens of two apps, comma-joined by the client
  const other = await createAppWithClient(client, 'compat other', { f: { type: 'SINGLE_LINE_TEXT', code: 'f', label: 'f' } });
  const tokOther = await mintToken(other, ['view', 'add']);
  const both = tokenClient([tok, tokOther]);
  await both.record.getRecords({ app, query: 'limit 1' });
  await both.record.addRecord({ app: other, record: { f: { value: 'x' } } });
  // view-only token cannot write
  const viewOnly = tokenClient(await mintToken(app, ['view']));
  const e = await rejects(() => viewOnly.record.addRecord({ app, record: {} }), 'view-only add');
  assert.equal(e.status, 403);
  assert.equal(e.code, 'CB_NO02');
});

test('client errors: wrong password [401] [CB_WA01], token of another app [400] [GAIA_IA02], unknown app [404] [GAIA_AP01]', async () => {
  const wrong = passwordClient(env.user, 'definitely-wrong');
  const e1 = await rejects(() => wrong.record.getRecords({ app }), 'wrong password');
  assert.equal(e1.status, 401);
  assert.equal(e1.code, 'CB_WA01');
  assert.match(e1.message, /^\[401\] \[CB_WA01\] /);
  const other = await createAppWithClient(client, 'compat token owner', { f: { type: 'SINGLE_LINE_TEXT', code: 'f', label: 'f' } });
  const foreign = tokenClient(await mintToken(other, ['view']));
  const e2 = await rejects(() => foreign.record.getRecords({ app }), 'token of another app');
  assert.equal(e2.status, 400);
  assert.equal(e2.code, 'GAIA_IA02');
  assert.match(e2.message, /^\[400\] \[GAIA_IA02\] /);
  const e3 = await rejects(() => client.record.getRecords({ app: 987654 }), 'unknown app');
  assert.equal(e3.status, 404);
  assert.equal(e3.code, 'GAIA_AP01');
  assert.match(e3.message, /^\[404\] \[GAIA_AP01\] /);
  assert.equal(typeof e3.id, 'string');
});
