// End-to-end: status codes and kintone's error JSON ({code, id, message, errors}) for bad
// input, against the real server binary (scripts/check-compat.sh starts it). Key paths in
// `errors` follow kintone-ecosystem.md §1.4. lib.call() additionally fails any 5xx answer.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  call, assertError, assertOk, createApp, basicFields, addRecord, getRecord, mintToken, env, queryIds,
} from './lib.mjs';

let app;
let rec; // {id, revision} of a plain record
const JA = /[\u3040-\u30ff\u4e00-\u9fff]/;

before(async () => {
  app = await createApp('e2e errors', basicFields());
  rec = await addRecord(app, { title: { value: 'base' }, qty: { value: '1' } });
});

test('no credentials: 401 CB_AU01', async () => {
  assertError(await call('GET', '/k/v1/records.json', { query: { app }, auth: null }), 401, 'CB_AU01');
});

test('wrong password: 401 CB_WA01', async () => {
  const res = await call('GET', '/k/v1/records.json', { query: { app }, auth: { user: env.user, password: 'wrong-password' } });
  assertError(res, 401, 'CB_WA01');
  const unknownUser = await call('GET', '/k/v1/records.json', { query: { app }, auth: { user: 'no-such-user', password: 'whatever12' } });
  assertError(unknownUser, 401, 'CB_WA01');
  const garbage = await call('GET', '/k/v1/records.json', { query: { app }, auth: null, headers: { 'X-Cybozu-Authorization': '%%%not-base64' } });
  assert.equal(garbage.status, 401, garbage.text);
});

test('bad API token: 401, token of another app: 400 GAIA_IA02', async () => {
  const other = await createApp('e2e errors other', { f: { type: 'SINGLE_LINE_TEXT', code: 'f', label: 'f' } });
  const tokOther = await mintToken(other, ['view']);
  assertError(await call('GET', '/k/v1/records.json', { query: { app }, auth: { token: tokOther } }), 400, 'GAIA_IA02');
  const bad = await call('GET', '/k/v1/records.json', { query: { app }, auth: { token: 'x'.repeat(40) } });
  assert.equal(bad.status, 401, bad.text);
  assertError(bad, 401, /^(GAIA_IA01|CB_WA01|CB_AU01)$/);
});

test('token without the permission: 403 CB_NO02', async () => {
  const viewOnly = await mintToken(app, ['view']);
  assertOk(await call('GET', '/k/v1/record.json', { query: { app, id: rec.id }, auth: { token: viewOnly } }));
  assertError(await call('POST', '/k/v1/record.json', { body: { app, record: {} }, auth: { token: viewOnly } }), 403, 'CB_NO02');
  assertError(await call('DELETE', '/k/v1/records.json', { query: { app, ids: [rec.id] }, auth: { token: viewOnly } }), 403, 'CB_NO02');
  assertError(await call('POST', '/k/v1/preview/app.json', { body: { name: 'nope' }, auth: { token: viewOnly } }), 403, /^(CB_NO02|GAIA_IA02)$/);
});

test('malformed JSON bodies: 400 with error JSON', async () => {
  for (const raw of ['{"app":', '{app: 1}', '[1,2]', '"str"', '{"app":1,"app":2}', '\x00\x01', `{"app":"${app}","record":{"title":{"value":"\\uD800"}}}`]) {
    const res = await call('POST', '/k/v1/record.json', { raw, headers: { 'Content-Type': 'application/json' } });
    assertError(res, 400, /^(CB_IJ01|CB_VA01)$/);
  }
  // invalid UTF-8 bytes inside a JSON string
  const bad = Buffer.concat([Buffer.from('{"app":"' + app + '","record":{"title":{"value":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}}')]);
  assertError(await call('POST', '/k/v1/record.json', { raw: bad, headers: { 'Content-Type': 'application/json' } }), 400, /^(CB_IJ01|CB_VA01)$/);
});

test('unknown app: 404 GAIA_AP01; unknown record: 404 GAIA_RE01', async () => {
  assertError(await call('GET', '/k/v1/records.json', { query: { app: 999999 } }), 404, 'GAIA_AP01');
  assertError(await call('GET', '/k/v1/app/form/fields.json', { query: { app: 999999 } }), 404, 'GAIA_AP01');
  assertError(await call('POST', '/k/v1/record.json', { body: { app: 999999, record: {} } }), 404, 'GAIA_AP01');
  assertError(await call('GET', '/k/v1/record.json', { query: { app, id: 999999 } }), 404, 'GAIA_RE01');
  assertError(await call('PUT', '/k/v1/record.json', { body: { app, id: 999999, record: {} } }), 404, 'GAIA_RE01');
  assertError(await call('DELETE', '/k/v1/records.json', { query: { app, ids: [999999] } }), 404, 'GAIA_RE01');
  assertError(await call('GET', '/k/v1/record/comments.json', { query: { app, record: 999999 } }), 404, 'GAIA_RE01');
});

test('bad parameters: missing / non-numeric / non-positive ids: 400 CB_VA01 errors.<param>', async () => {
  assertError(await call('GET', '/k/v1/records.json'), 400, 'CB_VA01', { errorKeys: ['app'] });
  assertError(await call('GET', '/k/v1/records.json', { query: { app: 'abc' } }), 400, 'CB_VA01', { errorKeys: ['app'] });
  assertError(await call('GET', '/k/v1/record.json', { query: { app } }), 400, 'CB_VA01', { errorKeys: ['id'] });
  assertError(await call('GET', '/k/v1/record.json', { query: { app, id: 0 } }), 400, 'CB_VA01', { errorKeys: ['id'] });
  assertError(await call('GET', '/k/v1/record.json', { query: { app, id: -3 } }), 400, 'CB_VA01', { errorKeys: ['id'] });
  assertError(await call('GET', '/k/v1/record.json', { query: { app, id: '1.5' } }), 400, 'CB_VA01', { errorKeys: ['id'] });
  assertError(await call('GET', '/k/v1/record.json', { query: { app, id: '99999999999999999999999' } }), 400, 'CB_VA01', { errorKeys: ['id'] });
  assertError(await call('POST', '/k/v1/record.json', { body: { app: { x: 1 }, record: {} } }), 400, 'CB_VA01', { errorKeys: ['app'] });
  assertError(await call('POST', '/k/v1/records.json', { body: { app, records: 'nope' } }), 400, 'CB_VA01', { errorKeys: ['records'] });
  assertError(await call('POST', '/k/v1/records.json', { body: { app, records: [] } }), 400, 'CB_VA01', { errorKeys: ['records'] });
  const many = Array.from({ length: 101 }, () => ({}));
  assertError(await call('POST', '/k/v1/records.json', { body: { app, records: many } }), 400, 'CB_VA01', { errorKeys: ['records'] });
  assertError(await call('DELETE', '/k/v1/records.json', { query: { app } }), 400, 'CB_VA01', { errorKeys: ['ids'] });
  assertError(await call('GET', '/k/v1/record/comments.json', { query: { app, record: rec.id, order: 'sideways' } }), 400, 'CB_VA01', { errorKeys: ['order'] });
  assertError(await call('GET', '/k/v1/record/comments.json', { query: { app, record: rec.id, limit: 11 } }), 400, 'CB_VA01', { errorKeys: ['limit'] });
  assertError(await call('POST', '/k/v1/records/cursor.json', { body: { app, size: 501 } }), 400, 'CB_VA01', { errorKeys: ['size'] });
  assertError(await call('POST', '/k/v1/records/cursor.json', { body: { app, size: 0 } }), 400, 'CB_VA01', { errorKeys: ['size'] });
  assertError(await call('POST', '/k/v1/bulkRequest.json', { body: { requests: [] } }), 400, 'CB_VA01', { errorKeys: ['requests'] });
});

test('wrong value types: 400 CB_VA01 with record.<code>.value keys', async () => {
  const cases = [
    [{ qty: { value: 'abc' } }, [['record.qty.value', 'record[qty].value']]],
    [{ qty: { value: { n: 1 } } }, [['record.qty.value', 'record[qty].value']]],
    [{ title: { value: ['x'] } }, ['record.title.value']],
    [{ checks: { value: 'a' } }, [['record.checks.value', 'record.checks.values']]],
    [{ d: { value: '2024-13-45' } }, ['record.d.value']],
    [{ d: { value: 'yesterday' } }, ['record.d.value']],
    [{ t: { value: '25:61' } }, ['record.t.value']],
    [{ dt: { value: 'not a date' } }, ['record.dt.value']],
    [{ items: { value: 'rows' } }, ['record.items.value']],
  ];
  for (const [record, keys] of cases) {
    assertError(await call('POST', '/k/v1/record.json', { body: { app, record } }), 400, 'CB_VA01', { errorKeys: keys });
  }
});

test('bad options: values not in the field options', async () => {
  assertError(await call('POST', '/k/v1/record.json', { body: { app, record: { checks: { value: ['a', 'zzz'] } } } }), 400, 'CB_VA01',
    { errorKeys: ['record.checks.values[1].value'] });
  assertError(await call('POST', '/k/v1/record.json', { body: { app, record: { dd: { value: 'zzz' } } } }), 400, 'CB_VA01',
    { errorKeys: ['record.dd.value'] });
});

test('too-long strings and numbers out of range', async () => {
  assertError(await call('POST', '/k/v1/record.json', { body: { app, record: { title: { value: 'x'.repeat(65) } } } }), 400, 'CB_VA01',
    { errorKeys: ['record.title.value'] });
  // maxLength counts characters, not bytes: 64 kanji are fine
  const ok = await addRecord(app, { title: { value: '漢'.repeat(64) } });
  assert.match(ok.id, /^\d+$/);
  assertError(await call('POST', '/k/v1/record.json', { body: { app, record: { title: { value: '漢'.repeat(65) } } } }), 400, 'CB_VA01',
    { errorKeys: ['record.title.value'] });
  assertError(await call('POST', '/k/v1/record.json', { body: { app, record: { qty: { value: '1001' } } } }), 400, 'CB_VA01',
    { errorKeys: ['record.qty.value'] });
  assertError(await call('POST', '/k/v1/record.json', { body: { app, record: { qty: { value: '-1' } } } }), 400, 'CB_VA01',
    { errorKeys: ['record.qty.value'] });
  assertError(await call('POST', '/k/v1/record.json', { body: { app, record: { qty: { value: '1e400' } } } }), 400, 'CB_VA01',
    { errorKeys: [['record.qty.value', 'record[qty].value']] });
  // inside a table
  assertError(await call('POST', '/k/v1/record.json', {
    body: { app, record: { items: { value: [{ value: { item_name: { value: 'ok' } } }, { value: { item_name: { value: 'x'.repeat(11) } } }] } } },
  }), 400, 'CB_VA01', { errorKeys: ['record.items.value[1].value.item_name.value'] });
  // several records: the index of the bad one
  assertError(await call('POST', '/k/v1/records.json', {
    body: { app, records: [{ qty: { value: '1' } }, { qty: { value: '5000' } }] },
  }), 400, 'CB_VA01', { errorKeys: ['records[1].qty.value'] });
  // a unique violation
  assertError(await call('POST', '/k/v1/record.json', { body: { app, record: { title: { value: 'base' } } } }), 400, /^(CB_VA01|GAIA_DU01)$/);
});

test('invalid queries: GAIA_IQ11, GAIA_IQ03, GAIA_IQ07, CB_VA01 errors.query', async () => {
  const q = (query) => call('GET', '/k/v1/records.json', { query: { app, query } });
  assertError(await q('nosuch = 1'), 400, 'GAIA_IQ11');
  assertError(await q('order by nosuch desc'), 400, 'GAIA_IQ11');
  assertError(await q('memo = "x"'), 400, 'GAIA_IQ03');
  assertError(await q('checks = "a"'), 400, 'GAIA_IQ03');
  assertError(await q('title > "a" and qty like "1"'), 400, 'GAIA_IQ03');
  assertError(await q('item_name = "x"'), 400, 'GAIA_IQ07');
  for (const bad of ['qty >', 'title = "unterminated', '(qty > 1', 'qty > 1 and', 'qty > 1 order qty', 'qty in 1,2', 'limit', 'qty > 1 limit x', '" or 1=1 --', 'qty > 1 limit 10 limit 5', 'title = "a\tb"']) {
    assertError(await q(bad), 400, 'CB_VA01', { errorKeys: ['query'] });
  }
  // the same errors through a cursor
  assertError(await call('POST', '/k/v1/records/cursor.json', { body: { app, query: 'nosuch = 1' } }), 400, 'GAIA_IQ11');
  assertError(await call('POST', '/k/v1/records/cursor.json', { body: { app, query: 'qty >' } }), 400, 'CB_VA01', { errorKeys: ['query'] });
});

test('limit > 500: GAIA_QU01; offset > 10000: GAIA_QU02; boundaries pass', async () => {
  const q = (query) => call('GET', '/k/v1/records.json', { query: { app, query } });
  assertError(await q('limit 501'), 400, 'GAIA_QU01');
  assertError(await q('order by $id asc limit 100000'), 400, 'GAIA_QU01');
  assertError(await q('limit 10 offset 10001'), 400, 'GAIA_QU02');
  assertOk(await q('limit 500'));
  assertOk(await q('limit 1 offset 10000'));
});

test('request body over the route limit: 413 with error JSON', async () => {
  // comments take at most 1 MB whatever the server-wide limit
  const big = JSON.stringify({ app, record: rec.id, comment: { text: 'x'.repeat(1536 * 1024) } });
  const res = await call('POST', '/k/v1/record/comment.json', { raw: big, headers: { 'Content-Type': 'application/json' } });
  assertError(res, 413, /^[A-Z]+_[A-Z0-9]+$/);
});

test('broken multipart uploads: 400, never 5xx', async () => {
  const b = 'XyZboundary123';
  const good = (name) => `--${b}\r\nContent-Disposition: form-data; name="${name}"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${b}--\r\n`;
  const up = (raw, ct = `multipart/form-data; boundary=${b}`) => call('POST', '/k/v1/file.json', { raw, headers: { 'Content-Type': ct } });
  // sanity: the well-formed one works
  const ok = assertOk(await up(good('file')), 'good multipart');
  assert.equal(typeof ok.fileKey, 'string');
  const broken = [
    [good('file'), 'multipart/form-data'],                                  // no boundary parameter
    [good('file'), 'multipart/form-data; boundary=other'],                  // boundary mismatch
    [good('file'), 'application/json'],                                     // not multipart at all
    [good('other'), undefined],                                             // no part named file
    [`--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello`, undefined], // no closing boundary
    [`--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"`, undefined],             // headers never end
    [`--${b}--\r\n`, undefined],                                            // no parts
    ['', undefined],                                                        // empty body
    [`--${b}\r\n\r\nhello\r\n--${b}--\r\n`, undefined],                     // part without headers
    [`--${b}\r\nContent-Disposition: form-data; name="file"\r\n\r\nno filename\r\n--${b}--\r\n`, undefined],
    ['garbage'.repeat(1000), undefined],
  ];
  for (const [raw, ct] of broken) {
    const res = await up(raw, ct);
    assert.equal(res.status, 400, `multipart ${JSON.stringify(raw.slice(0, 80))} (${ct}): ${res.status} ${res.text.slice(0, 300)}`);
    assertError(res, 400, /^[A-Z]+_[A-Z0-9]+$/);
  }
});

test('unknown and exhausted cursor ids: GAIA_CU01', async () => {
  for (const id of ['no-such-cursor', '00000000-0000-0000-0000-000000000000', 'x'.repeat(500)]) {
    const g = await call('GET', '/k/v1/records/cursor.json', { query: { id } });
    assertError(g, g.status, 'GAIA_CU01');
    assert.ok(g.status === 400 || g.status === 404, `cursor get: ${g.status}`);
    const d = await call('DELETE', '/k/v1/records/cursor.json', { query: { id } });
    assertError(d, d.status, 'GAIA_CU01');
  }
  assertError(await call('GET', '/k/v1/records/cursor.json'), 400, 'CB_VA01', { errorKeys: ['id'] });
  // a cursor is released after its last page
  const c = assertOk(await call('POST', '/k/v1/records/cursor.json', { body: { app, size: 500 } }));
  assert.equal(typeof c.id, 'string');
  assert.match(c.totalCount, /^\d+$/);
  const page = assertOk(await call('GET', '/k/v1/records/cursor.json', { query: { id: c.id } }));
  assert.equal(page.next, false);
  assertError(await call('GET', '/k/v1/records/cursor.json', { query: { id: c.id } }), 404, 'GAIA_CU01');
  // a deleted cursor is gone
  const c2 = assertOk(await call('POST', '/k/v1/records/cursor.json', { body: { app } }));
  assertOk(await call('DELETE', '/k/v1/records/cursor.json', { query: { id: c2.id } }));
  assertError(await call('GET', '/k/v1/records/cursor.json', { query: { id: c2.id } }), 404, 'GAIA_CU01');
  // cursor queries may not carry limit/offset
  const lim = await call('POST', '/k/v1/records/cursor.json', { body: { app, query: 'limit 10' } });
  assertError(lim, 400, /^[A-Z]+_[A-Z0-9]+$/);
});

test('stale revisions: 409 GAIA_CO02 and nothing written', async () => {
  const a = await addRecord(app, { qty: { value: '10' } });
  const b = await addRecord(app, { qty: { value: '20' } });
  assertError(await call('PUT', '/k/v1/record.json', { body: { app, id: a.id, revision: 7, record: { qty: { value: '11' } } } }), 409, 'GAIA_CO02');
  assert.equal((await getRecord(app, a.id)).qty.value, '10');
  // batch: the second is stale → the first is not applied either
  assertError(await call('PUT', '/k/v1/records.json', {
    body: { app, records: [{ id: a.id, revision: 1, record: { qty: { value: '12' } } }, { id: b.id, revision: 3, record: { qty: { value: '22' } } }] },
  }), 409, 'GAIA_CO02');
  const ra = await getRecord(app, a.id);
  assert.equal(ra.qty.value, '10');
  assert.equal(ra.$revision.value, '1');
  // delete with a stale revision deletes nothing
  assertError(await call('DELETE', '/k/v1/records.json', { query: { app, ids: [a.id, b.id], revisions: [1, 5] } }), 409, 'GAIA_CO02');
  await getRecord(app, a.id);
  await getRecord(app, b.id);
  // the right revision, and -1 (= do not check), both work
  const up = assertOk(await call('PUT', '/k/v1/record.json', { body: { app, id: a.id, revision: 1, record: { qty: { value: '13' } } } }));
  assert.equal(up.revision, '2');
  const up2 = assertOk(await call('PUT', '/k/v1/record.json', { body: { app, id: a.id, revision: -1, record: { qty: { value: '14' } } } }));
  assert.equal(up2.revision, '3');
  assertError(await call('PUT', '/k/v1/record.json', { body: { app, id: a.id, revision: 'abc', record: {} } }), 400, 'CB_VA01', { errorKeys: ['revision'] });
});

test('bulkRequest errors are reported at the failing index', async () => {
  const res = await call('POST', '/k/v1/bulkRequest.json', {
    body: {
      requests: [
        { method: 'POST', api: '/k/v1/record.json', payload: { app, record: { title: { value: 'bulk-e2e-1' } } } },
        { method: 'POST', api: '/k/v1/record.json', payload: { app, record: { qty: { value: 'NaN!' } } } },
        { method: 'POST', api: '/k/v1/record.json', payload: { app, record: { title: { value: 'bulk-e2e-3' } } } },
      ],
    },
  });
  assert.equal(res.status, 400, res.text);
  assert.ok(Array.isArray(res.json.results), res.text);
  assert.equal(res.json.results.length, 3);
  assert.deepEqual(res.json.results[0], {});
  assert.deepEqual(res.json.results[2], {});
  const e = res.json.results[1];
  assert.equal(e.code, 'CB_VA01');
  assert.equal(typeof e.id, 'string');
  assert.equal(typeof e.message, 'string');
  assert.ok(e.errors && (e.errors['record.qty.value'] || e.errors['record[qty].value']), res.text);
  const ids = await queryIds(app, 'title = "bulk-e2e-1"');
  assert.deepEqual(ids, [], 'the first request of a failed bulkRequest must be rolled back');
  // an endpoint bulkRequest does not accept
  const bad = await call('POST', '/k/v1/bulkRequest.json', { body: { requests: [{ method: 'GET', api: '/k/v1/records.json', payload: { app } }] } });
  assert.equal(bad.status, 400, bad.text);
});

test('unknown API path: 404 JSON; wrong method: 405 JSON', async () => {
  assertError(await call('GET', '/k/v1/nosuch.json'), 404, /^[A-Z]+_[A-Z0-9]+$/);
  assertError(await call('GET', '/k/v1/record'), 404, /^[A-Z]+_[A-Z0-9]+$/);
  assertError(await call('PATCH', '/k/v1/record.json', { body: { app } }), 405, /^[A-Z]+_[A-Z0-9]+$/);
  assertError(await call('GET', '/k/v1/bulkRequest.json'), 405, /^[A-Z]+_[A-Z0-9]+$/);
  const hz = await call('GET', '/healthz', { auth: null });
  assert.equal(hz.status, 200);
});

test('Accept-Language: en gives English messages, default Japanese', async () => {
  const get = (lang) => call('GET', '/k/v1/records.json', { query: { app: 999999 }, headers: lang ? { 'Accept-Language': lang } : {} });
  const ja = assertError(await get(undefined), 404, 'GAIA_AP01');
  assert.match(ja.message, JA, `default message should be Japanese: ${ja.message}`);
  const en = assertError(await get('en'), 404, 'GAIA_AP01');
  assert.doesNotMatch(en.message, JA);
  assert.match(en.message, /not found/i);
  assert.match(en.message, /999999/);
  assert.doesNotMatch(assertError(await get('en-US,en;q=0.9,ja;q=0.8'), 404, 'GAIA_AP01').message, JA);
  assert.match(assertError(await get('ja'), 404, 'GAIA_AP01').message, JA);
  assert.match(assertError(await get('*'), 404, 'GAIA_AP01').message, JA);
  // field messages follow the language too
  const v = assertError(await call('POST', '/k/v1/record.json', { body: { app, record: { qty: { value: 'abc' } } }, headers: { 'Accept-Language': 'en' } }), 400, 'CB_VA01');
  for (const [k, m] of Object.entries(v.errors)) for (const s of m.messages) assert.doesNotMatch(s, JA, `${k}: ${s}`);
  const vj = assertError(await call('POST', '/k/v1/record.json', { body: { app, record: { qty: { value: 'abc' } } } }), 400, 'CB_VA01');
  assert.ok(Object.values(vj.errors).some((m) => m.messages.some((s) => JA.test(s))), JSON.stringify(vj.errors));
  const auth = assertError(await call('GET', '/k/v1/records.json', { query: { app }, auth: null, headers: { 'Accept-Language': 'en' } }), 401, 'CB_AU01');
  assert.equal(auth.message, 'Please login.');
});

test('error responses carry X-Cybozu-Error and distinct request ids', async () => {
  const a = await call('GET', '/k/v1/records.json', { query: { app: 999999 } });
  const b = await call('GET', '/k/v1/records.json', { query: { app: 999999 } });
  assert.equal(a.headers.get('x-cybozu-error'), 'GAIA_AP01');
  assert.notEqual(a.json.id, b.json.id);
});
