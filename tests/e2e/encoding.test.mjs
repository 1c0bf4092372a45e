// End-to-end: how parameters may arrive (kintone-ecosystem.md §1.3, peer-bench.md §1.2):
// qs-style indexed brackets (encoded and not), repeated keys, X-HTTP-Method-Override on POST
// with a JSON body, JSON bodies on DELETE, ids/revisions/app as numbers or strings; the
// response types kintone uses (strings for ids, revisions and totalCount); and `like`
// matching across full-width/half-width letters, half-width katakana and case.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { call, assertOk, createApp, basicFields, addRecord, getRecord, queryIds } from './lib.mjs';

let app;
const recs = []; // {id, title}

before(async () => {
  app = await createApp('e2e encoding', basicFields());
  for (let i = 0; i < 12; i++) {
    const r = await addRecord(app, { title: { value: `enc-${i}` }, qty: { value: String(i * 10) }, checks: { value: i % 2 ? ['a'] : ['b'] } });
    recs.push({ ...r, title: `enc-${i}` });
  }
});

const sortNum = (a) => [...a].map(Number).sort((x, y) => x - y).map(String);

test('fields%5B0%5D=… (qs), fields[0]=… (plain) and repeated fields=… select the same columns', async () => {
  const base = `app=${app}&query=${encodeURIComponent('order by $id asc limit 3')}`;
  const keySets = [];
  for (const f of ['fields%5B0%5D=title&fields%5B1%5D=qty', 'fields[0]=title&fields[1]=qty', 'fields=title&fields=qty']) {
    const j = assertOk(await call('GET', `/k/v1/records.json?${base}&${f}`), f);
    assert.equal(j.records.length, 3, f);
    assert.deepEqual(j.records.map((r) => r.title.value), ['enc-0', 'enc-1', 'enc-2'], f);
    assert.deepEqual(j.records[1].qty, { type: 'NUMBER', value: '10' });
    for (const r of j.records) assert.ok(!('memo' in r) && !('checks' in r), `${f}: unselected fields returned: ${JSON.stringify(r)}`);
    keySets.push([f, Object.keys(j.records[0]).sort(), ['$id', '$revision', 'qty', 'title']]);
  }
  // a single fields[0] with $id
  const one = assertOk(await call('GET', `/k/v1/records.json?${base}&fields%5B0%5D=%24id`));
  for (const r of one.records) assert.equal(r.$id.type, '__ID__');
  keySets.push(['fields[0]=$id', Object.keys(one.records[0]).sort(), ['$id', '$revision']]);
  // the selected fields, plus $id and $revision which this project always sends (issue #2's
  // contract; kintone sends them only when selected, and the clients cope with both)
  for (const [f, got, want] of keySets) assert.deepEqual(got, want, `keys with ${f}`);
});

test('query string: %20 and + both mean space, UTF-8 percent-encoding', async () => {
  const a = assertOk(await call('GET', `/k/v1/records.json?app=${app}&query=qty%20%3E%3D%20100&totalCount=true`));
  const b = assertOk(await call('GET', `/k/v1/records.json?app=${app}&query=qty+%3E%3D+100&totalCount=true`));
  assert.equal(a.totalCount, '2');
  assert.equal(b.totalCount, '2');
  const jp = await addRecord(app, { title: { value: '住民票の写し交付申請' } });
  const ids = await queryIds(app, 'title = "住民票の写し交付申請"');
  assert.deepEqual(ids, [jp.id]);
});

test('response types: ids, revisions and totalCount are strings; $id/$revision typed', async () => {
  const r = await addRecord(app, { title: { value: 'types' }, qty: { value: 7 } });
  assert.equal(typeof r.id, 'string');
  assert.equal(r.revision, '1');
  const rec = await getRecord(app, r.id);
  assert.deepEqual(rec.$id, { type: '__ID__', value: r.id });
  assert.deepEqual(rec.$revision, { type: '__REVISION__', value: '1' });
  assert.deepEqual(rec.qty, { type: 'NUMBER', value: '7' });
  const many = assertOk(await call('POST', '/k/v1/records.json', { body: { app, records: [{}, {}] } }));
  assert.ok(many.ids.every((x) => typeof x === 'string'));
  assert.deepEqual(many.revisions, ['1', '1']);
  const list = assertOk(await call('GET', '/k/v1/records.json', { query: { app, query: 'limit 1', totalCount: true } }));
  assert.equal(typeof list.totalCount, 'string');
  const noCount = assertOk(await call('GET', '/k/v1/records.json', { query: { app, query: 'limit 1' } }));
  assert.equal(noCount.totalCount, null);
});

test('app, id and revision as numbers or as strings', async () => {
  const r = await addRecord(app, { title: { value: 'numstr' } });
  // string forms everywhere
  let up = assertOk(await call('PUT', '/k/v1/record.json', { body: { app: String(app), id: String(r.id), revision: '1', record: { qty: { value: '1' } } } }));
  assert.equal(up.revision, '2');
  // number forms everywhere
  up = assertOk(await call('PUT', '/k/v1/record.json', { body: { app: Number(app), id: Number(r.id), revision: 2, record: { qty: { value: 2 } } } }));
  assert.equal(up.revision, '3');
  // numeric record values as numbers
  assert.equal((await getRecord(app, r.id)).qty.value, '2');
  // batch forms
  const br = assertOk(await call('PUT', '/k/v1/records.json', { body: { app: String(app), records: [{ id: r.id, revision: '3', record: { qty: { value: '3' } } }] } }));
  assert.deepEqual(br.records, [{ id: r.id, revision: '4' }]);
  // GET with string app in the query string (always strings there) and JSON numbers via override
  const g = assertOk(await call('POST', '/k/v1/record.json', { body: { app: Number(app), id: Number(r.id) }, headers: { 'X-HTTP-Method-Override': 'GET' } }));
  assert.equal(g.record.qty.value, '3');
  // DELETE revisions as strings
  assertOk(await call('DELETE', '/k/v1/records.json', { query: { app, ids: [r.id], revisions: ['4'] } }));
  const gone = await call('GET', '/k/v1/record.json', { query: { app, id: r.id } });
  assert.equal(gone.status, 404);
});

test('X-HTTP-Method-Override: GET on POST with a JSON body (long query, > 4096 chars)', async () => {
  const titles = Array.from({ length: 600 }, (_, i) => `enc-${i}`);
  const query = `title in (${titles.map((t) => JSON.stringify(t)).join(',')}) order by $id asc`;
  assert.ok(query.length > 4096);
  const res = await call('POST', '/k/v1/records.json', {
    body: { app: Number(app), query, fields: ['title', '$id'], totalCount: true },
    headers: { 'X-HTTP-Method-Override': 'GET' },
  });
  const j = assertOk(res);
  assert.equal(j.totalCount, '12');
  assert.deepEqual(j.records.map((r) => r.title.value), recs.map((r) => r.title));
  // lower-case override value and header name
  const lc = assertOk(await call('POST', '/k/v1/records.json', { body: { app, query: 'title = "enc-3"' }, headers: { 'x-http-method-override': 'get' } }));
  assert.equal(lc.records.length, 1);
  // override to DELETE with a JSON body
  const tmp = await addRecord(app, {});
  assertOk(await call('POST', '/k/v1/records.json', { body: { app, ids: [tmp.id] }, headers: { 'X-HTTP-Method-Override': 'DELETE' } }));
  assert.equal((await call('GET', '/k/v1/record.json', { query: { app, id: tmp.id } })).status, 404);
});

test('DELETE with a JSON body (records, comment, cursor)', async () => {
  const a = await addRecord(app, {});
  const b = await addRecord(app, {});
  assertOk(await call('DELETE', '/k/v1/records.json', { body: { app: Number(app), ids: [Number(a.id), b.id], revisions: [null, '1'] } }));
  assert.equal((await call('GET', '/k/v1/record.json', { query: { app, id: a.id } })).status, 404);
  assert.equal((await call('GET', '/k/v1/record.json', { query: { app, id: b.id } })).status, 404);
  const c = assertOk(await call('POST', '/k/v1/record/comment.json', { body: { app, record: recs[0].id, comment: { text: 'to delete' } } }));
  assertOk(await call('DELETE', '/k/v1/record/comment.json', { body: { app, record: recs[0].id, comment: c.id } }));
  const cur = assertOk(await call('POST', '/k/v1/records/cursor.json', { body: { app } }));
  assertOk(await call('DELETE', '/k/v1/records/cursor.json', { body: { id: cur.id } }));
});

test('ids%5B0%5D=… and plain repeated ids=… on DELETE', async () => {
  const a = await addRecord(app, {});
  const b = await addRecord(app, {});
  assertOk(await call('DELETE', `/k/v1/records.json?app=${app}&ids%5B0%5D=${a.id}&ids%5B1%5D=${b.id}`));
  const c = await addRecord(app, {});
  const d = await addRecord(app, {});
  assertOk(await call('DELETE', `/k/v1/records.json?app=${app}&ids=${c.id}&ids=${d.id}`));
  for (const x of [a, b, c, d]) assert.equal((await call('GET', '/k/v1/record.json', { query: { app, id: x.id } })).status, 404);
});

test('query functions and operators used by the clients', async () => {
  const q = (query) => queryIds(app, query);
  const all = recs.map((r) => r.id);
  assert.deepEqual(await q(`$id > ${recs[5].id} and title like "enc-" order by $id asc limit 500`), all.slice(6));
  assert.deepEqual(await q(`(qty >= 20 and qty <= 40) order by qty desc`), [recs[4].id, recs[3].id, recs[2].id]);
  assert.deepEqual(sortNum(await q(`checks in ("a") and title like "enc-"`)), sortNum(all.filter((_, i) => i % 2)));
  assert.deepEqual(await q(`title in ("enc-1", "enc-2") order by $id desc`), [recs[2].id, recs[1].id]);
  assert.deepEqual(await q(`title like "enc-" order by qty desc limit 2 offset 1`), [recs[10].id, recs[9].id]);
  assert.deepEqual(await q(`qty >= "100" order by $id asc`), [recs[10].id, recs[11].id]);
  // no order by → $id desc
  const def = await q('title like "enc-"');
  assert.deepEqual(def, [...all].reverse());
  // keywords case-insensitive, full-width space as a separator
  assert.deepEqual(await q(`qty = 30\u3000AND\u3000title = "enc-3"`), [recs[3].id]);
});

test('like: 全角/半角, half-width katakana and case match each other', async () => {
  const likeApp = await createApp('e2e like', {
    title: { type: 'SINGLE_LINE_TEXT', code: 'title', label: 'Title' },
    memo: { type: 'MULTI_LINE_TEXT', code: 'memo', label: 'Memo' },
  });
  const add = async (title, memo = '') => (await addRecord(likeApp, { title: { value: title }, memo: { value: memo } })).id;
  const fullAbc = await add('ＡＢＣ全角テスト');
  const halfAbc = await add('abc半角テスト');
  const halfKana = await add('ｶﾀｶﾅのデータ');
  const fullKana = await add('カタカナのデータ');
  const memoRec = await add('', 'ＴＯＫＹＯ　申請書\n第２版');
  const jp = await add('住民票の申請');
  const quoted = await add('say "quoted" here');
  const hundred = await add('lot 100 units x_y');
  await add('unrelated');
  const like = async (query) => sortNum(await queryIds(likeApp, query));
  assert.deepEqual(await like('title like "abc"'), sortNum([fullAbc, halfAbc]));
  assert.deepEqual(await like('title like "ＡＢＣ"'), sortNum([fullAbc, halfAbc]));
  assert.deepEqual(await like('title like "ABC"'), sortNum([fullAbc, halfAbc]));
  assert.deepEqual(await like('title like "ｶﾀｶﾅ"'), sortNum([halfKana, fullKana]));
  assert.deepEqual(await like('title like "カタカナ"'), sortNum([halfKana, fullKana]));
  assert.deepEqual(await like('memo like "tokyo"'), [memoRec]);
  assert.deepEqual(await like('memo like "第2版"'), [memoRec]);
  assert.deepEqual(await like('title like "申請"'), [jp]);
  assert.deepEqual(await like('title like "\\"quoted\\""'), [quoted]);
  assert.deepEqual(await like('title not like "abc" and title like "データ"'), sortNum([halfKana, fullKana]));
  // SQL LIKE wildcards are literal characters in a kintone query
  assert.deepEqual(await like('title like "100"'), [hundred]);
  assert.deepEqual(await like('title like "100%"'), []);
  assert.deepEqual(await like('title like "x_y"'), [hundred]);
  assert.deepEqual(await like('title like "a_c"'), []);
});
