// Compatibility: permissions (issue #3) through the unmodified @kintone/rest-api-client against
// the real server binary. The admin service account creates an app (件名, 区分, 担当者, 個人番号),
// records and four service accounts, then sets app, record and field rights with
// updateAppAcl / updateRecordAcl / updateFieldAcl (preview), reads them back (preview and live),
// deploys, and checks their EFFECT as each user: the lists (getRecords, getAllRecords with and
// without a cursor), single records, queries on a hidden field, writes of READ / WRITE / hidden
// fields, deletes and evaluateRecordsAcl. Every expectation comes from one table (MATRIX and
// fieldAccess below), so the file reads as a permission matrix. An API token is outside
// record and field rights, as in kintone.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { passwordClient, tokenClient, rejects, createAppWithClient, mintToken, options, env } from './helpers.mjs';
import { run } from '../e2e/lib.mjs';

const tag = `${process.pid}-${randomBytes(3).toString('hex')}`;
const ADMIN = 'admin'; // the harness account (env.user): named administrator, the app's creator
const USERS = { yamada: '山田 太郎', suzuki: '鈴木 花子', sato: '佐藤 一郎', tanaka: '田中 次郎' };
const login = (u) => (u === ADMIN ? env.user : `${u}-${tag}`);
const who = {}; // name → {login, client}

const FIELDS = {
  件名: { type: 'SINGLE_LINE_TEXT', code: '件名', label: '件名' },
  区分: { type: 'DROP_DOWN', code: '区分', label: '区分', options: options('一般', '秘', '担当限定') },
  担当者: { type: 'USER_SELECT', code: '担当者', label: '担当者' },
  個人番号: { type: 'SINGLE_LINE_TEXT', code: '個人番号', label: '個人番号' },
};

/* The records: 区分 picks the record rule, 担当者 the FIELD_ENTITY. */
const RECS = {
  r1: { 件名: '一般の申請', 区分: '一般', 担当者: [], 個人番号: '1001' },
  r2: { 件名: '秘の申請', 区分: '秘', 担当者: ['yamada'], 個人番号: '1002' },
  r3: { 件名: '担当限定（佐藤）', 区分: '担当限定', 担当者: ['sato'], 個人番号: '1003' },
  r4: { 件名: '担当限定（鈴木）', 区分: '担当限定', 担当者: ['suzuki'], 個人番号: '1004' },
  r5: { 件名: '一般（佐藤担当）', 区分: '一般', 担当者: ['sato'], 個人番号: '1005' },
};
const KEYS = Object.keys(RECS);
const id = {}; // r1 → record id

/*
 * Record rights each caller should end up with: v = view, e = edit, d = delete.
 *  app ACL:    CREATOR all; tanaka nothing; sato view/add/edit (no delete); everyone records.
 *  record ACL: 区分 = 秘      → yamada, admin all; nobody else.
 *              区分 = 担当限定 → FIELD_ENTITY 担当者 all, then suzuki view only (admin: none —
 *                               named administrators see records only as the ACL allows).
 *              区分 = 一般     → no rule: the app rights.
 *  tanaka is named in the app ACL with no rights: 403 on everything (checked separately).
 */
const MATRIX = {
  //          r1     r2     r3     r4     r5
  admin: { r1: 'ved', r2: 'ved', r3: '', r4: '', r5: 'ved' },
  yamada: { r1: 'ved', r2: 'ved', r3: '', r4: '', r5: 'ved' },
  suzuki: { r1: 'ved', r2: '', r3: 'v', r4: 'ved', r5: 'ved' },
  sato: { r1: 've', r2: '', r3: 've', r4: '', r5: 've' },
};
const READERS = Object.keys(MATRIX);
const can = (u, k, p) => MATRIX[u][k].includes(p);
const visible = (u) => KEYS.filter((k) => can(u, k, 'v'));

/*
 * Field rights: 個人番号 WRITE for admin and yamada, READ for suzuki, listed with no entity
 * for sato (= NONE); 件名 WRITE for the record's 担当者 (FIELD_ENTITY), else READ (everyone).
 * 区分 and 担当者 have no rule (WRITE).
 */
const PERSONAL = { admin: 'WRITE', yamada: 'WRITE', suzuki: 'READ', sato: 'NONE' };
function fieldAccess(u, k, code) {
  if (code === '個人番号') return PERSONAL[u];
  if (code === '件名') return RECS[k].担当者.includes(u) ? 'WRITE' : 'READ';
  return 'WRITE';
}

const allRights = (on) => ({
  appEditable: on, recordViewable: on, recordAddable: on, recordEditable: on,
  recordDeletable: on, recordImportable: on, recordExportable: on,
});
const appRights = () => [
  { entity: { type: 'CREATOR', code: null }, includeSubs: false, ...allRights(true) },
  { entity: { type: 'USER', code: login('tanaka') }, includeSubs: false, ...allRights(false) },
  {
    entity: { type: 'USER', code: login('sato') }, includeSubs: false, ...allRights(false),
    recordViewable: true, recordAddable: true, recordEditable: true,
  },
  {
    entity: { type: 'GROUP', code: 'everyone' }, includeSubs: false, ...allRights(true),
    appEditable: false, recordImportable: false, recordExportable: false,
  },
];
const ent = (type, code, v, e, d) => ({ entity: { type, code }, viewable: v, editable: e, deletable: d, includeSubs: false });
const recordRights = () => [
  {
    filterCond: '区分 in ("秘")',
    entities: [ent('USER', login('yamada'), true, true, true), ent('USER', login(ADMIN), true, true, true)],
  },
  {
    filterCond: '区分 in ("担当限定")',
    entities: [ent('FIELD_ENTITY', '担当者', true, true, true), ent('USER', login('suzuki'), true, false, false)],
  },
];
const fent = (accessibility, type, code) => ({ accessibility, entity: { type, code }, includeSubs: false });
const fieldRights = () => [
  {
    code: '個人番号',
    entities: [fent('WRITE', 'USER', login(ADMIN)), fent('WRITE', 'USER', login('yamada')), fent('READ', 'USER', login('suzuki'))],
  },
  { code: '件名', entities: [fent('WRITE', 'FIELD_ENTITY', '担当者'), fent('READ', 'GROUP', 'everyone')] },
];
/* What the client sends: includeSubs left out here and there (the server fills in false). */
const bare = (rights, list) => rights.map((r) => (list ? { ...r, entities: r.entities.map(({ includeSubs, ...x }) => x) } : (({ includeSubs, ...x }) => x)(r)));

let admin; // the admin client
let app;

async function addUser(name) {
  const password = `pw-${randomBytes(9).toString('hex')}`; // ≥ 12 characters
  const args = ['user', 'add', '--data', env.data];
  if (env.db) args.push('--db', env.db);
  args.push('--login', login(name), '--name', USERS[name], '--password-stdin', '--service');
  await run(env.bin, args, `${password}\n`);
  who[name] = { login: login(name), client: passwordClient(login(name), password) };
}

async function deployAndWait() {
  await admin.app.deployApp({ apps: [{ app }] });
  const deadline = Date.now() + 30000;
  for (;;) {
    const { apps } = await admin.app.getDeployStatus({ apps: [app] });
    if (apps[0].status === 'SUCCESS') return;
    assert.equal(apps[0].status, 'PROCESSING', `deploy status ${JSON.stringify(apps)}`);
    assert.ok(Date.now() < deadline, 'deploy still PROCESSING after 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function assertRejected(fn, status, code, what) {
  const e = await rejects(fn, what);
  assert.equal(e.status, status, `${what}: status (${e.code} ${e.message})`);
  assert.equal(e.code, code, `${what}: code (${e.message})`);
  return e;
}

const idsOf = (records) => records.map((r) => r.$id.value);
const keysOf = (records) => records.map((r) => KEYS.find((k) => id[k] === r.$id.value));
const sortKeys = (ks) => [...ks].sort((a, b) => Number(id[a]) - Number(id[b]));

/* A record as the caller read it: hidden fields absent, visible ones as written. */
function assertRecordShape(u, k, rec, what) {
  const m = `${what}: ${u} reading ${k}`;
  assert.equal(rec.$id.value, id[k], m);
  assert.equal(rec.区分.value, RECS[k].区分, `${m}: 区分`);
  assert.deepEqual(rec.担当者.value.map((x) => x.code), RECS[k].担当者.map(login), `${m}: 担当者`);
  assert.equal(rec.件名?.value, RECS[k].件名, `${m}: 件名 (READ or WRITE for everyone)`);
  if (fieldAccess(u, k, '個人番号') === 'NONE') assert.ok(!('個人番号' in rec), `${m}: 個人番号 must be absent: ${JSON.stringify(rec.個人番号)}`);
  else assert.equal(rec.個人番号?.value, RECS[k].個人番号, `${m}: 個人番号`);
}

before(async () => {
  admin = passwordClient();
  for (const name of Object.keys(USERS)) await addUser(name);
  who[ADMIN] = { login: env.user, client: admin };
});

test('setup: app (件名, 区分, 担当者, 個人番号), records, users', async () => {
  app = await createAppWithClient(admin, `ACL matrix ${tag}`, FIELDS);
  const records = KEYS.map((k) => ({
    件名: { value: RECS[k].件名 }, 区分: { value: RECS[k].区分 },
    担当者: { value: RECS[k].担当者.map((u) => ({ code: login(u) })) }, 個人番号: { value: RECS[k].個人番号 },
  }));
  const { ids } = await admin.record.addRecords({ app, records });
  KEYS.forEach((k, i) => { id[k] = String(ids[i]); });
  // every user is in: the default rights (everyone: records) let each one read everything
  for (const u of Object.keys(USERS)) {
    const { records: got } = await who[u].client.record.getRecords({ app, query: 'order by $id asc' });
    assert.deepEqual(idsOf(got), KEYS.map((k) => id[k]), `${u} before any ACL`);
  }
});

test('updateAppAcl / updateRecordAcl / updateFieldAcl: preview only until deployApp', async () => {
  const before = await admin.app.getAppAcl({ app });
  const def = [
    { entity: { type: 'CREATOR', code: null }, includeSubs: false, ...allRights(true) },
    { entity: { type: 'GROUP', code: 'everyone' }, includeSubs: false, ...allRights(true), appEditable: false },
  ];
  assert.deepEqual(before.rights, def, 'kintone default app rights');
  assert.deepEqual((await admin.app.getRecordAcl({ app })).rights, []);
  assert.deepEqual((await admin.app.getFieldAcl({ app })).rights, []);

  const r1 = await admin.app.updateAppAcl({ app, rights: bare(appRights(), false) });
  const r2 = await admin.app.updateRecordAcl({ app, rights: bare(recordRights(), true), revision: r1.revision });
  const r3 = await admin.app.updateFieldAcl({ app, rights: bare(fieldRights(), true) });
  for (const r of [r1, r2, r3]) assert.match(r.revision, /^\d+$/);
  assert.ok(Number(r2.revision) > Number(r1.revision) && Number(r3.revision) > Number(r2.revision),
    `preview revisions increase: ${r1.revision} ${r2.revision} ${r3.revision}`);
  // a stale revision is refused
  await assertRejected(() => admin.app.updateAppAcl({ app, rights: bare(appRights(), false), revision: r1.revision }),
    409, 'GAIA_CO02', 'updateAppAcl with a stale revision');

  // preview: what was sent, normalised (includeSubs filled in, CREATOR code null)
  const pa = await admin.app.getAppAcl({ app, preview: true });
  const pr = await admin.app.getRecordAcl({ app, preview: true });
  const pf = await admin.app.getFieldAcl({ app, preview: true });
  assert.deepEqual(pa.rights, appRights());
  assert.deepEqual(pr.rights, recordRights());
  assert.deepEqual(pf.rights, fieldRights());
  for (const x of [pa, pr, pf]) assert.equal(x.revision, r3.revision, 'preview revision');

  // live: unchanged, and not in force
  assert.deepEqual((await admin.app.getAppAcl({ app })).rights, def);
  assert.deepEqual((await admin.app.getRecordAcl({ app })).rights, []);
  assert.deepEqual((await admin.app.getFieldAcl({ app })).rights, []);
  const t = await who.tanaka.client.record.getRecords({ app, query: 'order by $id asc' });
  assert.equal(t.records.length, KEYS.length, 'tanaka still reads everything before the deploy');
  assert.equal(t.records[0].個人番号.value, RECS.r1.個人番号);

  // the users may not change the rights themselves (appEditable: false for everyone)
  await assertRejected(() => who.yamada.client.app.updateAppAcl({ app, rights: def }), 403, 'CB_NO02', 'yamada updateAppAcl');
  await assertRejected(() => who.suzuki.client.app.getRecordAcl({ app }), 403, 'CB_NO02', 'suzuki getRecordAcl');

  await deployAndWait();
  const la = await admin.app.getAppAcl({ app });
  const lr = await admin.app.getRecordAcl({ app });
  const lf = await admin.app.getFieldAcl({ app });
  assert.deepEqual(la.rights, appRights());
  assert.deepEqual(lr.rights, recordRights());
  assert.deepEqual(lf.rights, fieldRights());
  for (const x of [la, lr, lf]) assert.equal(x.revision, r3.revision, 'live revision after deploy');
  assert.deepEqual((await admin.app.getFieldAcl({ app, preview: true })).rights, fieldRights());
});

test('app ACL: tanaka (named, no rights) gets 403 everywhere', async () => {
  const c = who.tanaka.client;
  const calls = {
    getRecords: () => c.record.getRecords({ app }),
    getAllRecords: () => c.record.getAllRecords({ app, orderBy: '$id asc' }),
    getRecord: () => c.record.getRecord({ app, id: id.r1 }),
    updateRecord: () => c.record.updateRecord({ app, id: id.r1, record: { 区分: { value: '一般' } } }),
    addRecord: () => c.record.addRecord({ app, record: { 件名: { value: 'x' } } }),
    deleteRecords: () => c.record.deleteRecords({ app, ids: [id.r1] }),
    evaluateRecordsAcl: () => c.app.evaluateRecordsAcl({ app, ids: [id.r1] }),
  };
  for (const [name, fn] of Object.entries(calls)) await assertRejected(fn, 403, 'CB_NO02', `tanaka ${name}`);
});

for (const u of READERS) {
  test(`${u}: getRecords / getAllRecords (cursor and by id) show ${visible(u).join(' ') || 'nothing'}`, async () => {
    const c = who[u].client;
    const want = visible(u);
    const page = await c.record.getRecords({ app, query: 'order by $id asc', totalCount: true });
    assert.deepEqual(keysOf(page.records), want, `${u} getRecords`);
    assert.equal(page.totalCount, String(want.length), `${u} totalCount`);
    for (const rec of page.records) assertRecordShape(u, keysOf([rec])[0], rec, 'getRecords');

    const cur = await c.record.getAllRecords({ app, orderBy: '$id asc' }); // createCursor + getRecordsByCursor
    assert.deepEqual(keysOf(cur), want, `${u} getAllRecords with a cursor`);
    for (const rec of cur) assertRecordShape(u, keysOf([rec])[0], rec, 'cursor');

    const byId = await c.record.getAllRecords({ app, withCursor: false }); // "$id > n order by $id"
    assert.deepEqual(sortKeys(keysOf(byId)), want, `${u} getAllRecords by id`);

    // a condition on a visible field is filtered by the record rights as well
    const dd = await c.record.getRecords({ app, query: '区分 in ("担当限定") order by $id asc' });
    assert.deepEqual(keysOf(dd.records), want.filter((k) => RECS[k].区分 === '担当限定'), `${u} 区分 query`);
  });

  test(`${u}: a query on 個人番号 ${PERSONAL[u] === 'NONE' ? 'is refused (GAIA_IQ11)' : 'works'}`, async () => {
    const c = who[u].client;
    const all = KEYS.map((k) => `"${RECS[k].個人番号}"`).join(', ');
    const queries = [`個人番号 in (${all}) order by $id asc`, 'order by 個人番号 asc', `個人番号 like "100"`];
    for (const query of queries) {
      if (PERSONAL[u] === 'NONE') {
        await assertRejected(() => c.record.getRecords({ app, query }), 400, 'GAIA_IQ11', `${u} query ${query}`);
      } else {
        const { records } = await c.record.getRecords({ app, query });
        assert.deepEqual(sortKeys(keysOf(records)), visible(u), `${u} query ${query}`);
      }
    }
    if (PERSONAL[u] === 'NONE') {
      await assertRejected(() => c.record.getAllRecords({ app, condition: '個人番号 = "1001"', orderBy: '$id asc' }),
        400, 'GAIA_IQ11', `${u} cursor query on 個人番号`);
    }
  });

  test(`${u}: getRecord per record`, async () => {
    const c = who[u].client;
    for (const k of KEYS) {
      if (can(u, k, 'v')) {
        const { record } = await c.record.getRecord({ app, id: id[k] });
        assertRecordShape(u, k, record, 'getRecord');
      } else {
        await assertRejected(() => c.record.getRecord({ app, id: id[k] }), 403, 'CB_NO02', `${u} getRecord ${k}`);
      }
    }
  });

  test(`${u}: evaluateRecordsAcl matches the matrix`, async () => {
    const ids = [...KEYS.map((k) => id[k]), '999999999'];
    const { rights } = await who[u].client.app.evaluateRecordsAcl({ app, ids });
    assert.deepEqual(rights.map((r) => r.id), KEYS.map((k) => id[k]), `${u}: ids in order, the unknown one left out`);
    for (const [i, k] of KEYS.entries()) {
      const r = rights[i];
      const m = `${u} evaluate ${k}`;
      assert.deepEqual(r.record, { viewable: can(u, k, 'v'), editable: can(u, k, 'e'), deletable: can(u, k, 'd') }, m);
      for (const code of Object.keys(FIELDS)) {
        const a = fieldAccess(u, k, code);
        assert.deepEqual(r.fields[code], { viewable: can(u, k, 'v') && a !== 'NONE', editable: can(u, k, 'e') && a === 'WRITE' },
          `${m} field ${code} (${a})`);
      }
    }
  });
}

test('a token (view) is outside record and field rights: sees every record and 個人番号', async () => {
  const tc = tokenClient(await mintToken(app, ['view']));
  const { records } = await tc.record.getRecords({ app, query: `個人番号 in ("1001", "1002", "1003", "1004", "1005") order by $id asc` });
  assert.deepEqual(keysOf(records), KEYS);
  for (const rec of records) assert.equal(rec.個人番号.value, RECS[keysOf([rec])[0]].個人番号);
  const cur = await tc.record.getAllRecords({ app, orderBy: '$id asc' });
  assert.deepEqual(keysOf(cur), KEYS);
  assert.equal((await tc.record.getRecord({ app, id: id.r3 })).record.個人番号.value, RECS.r3.個人番号);
  const { rights } = await tc.app.evaluateRecordsAcl({ app, ids: KEYS.map((k) => id[k]) });
  for (const r of rights) {
    assert.deepEqual(r.record, { viewable: true, editable: false, deletable: false }, `token evaluate ${r.id}`);
    assert.deepEqual(r.fields.個人番号, { viewable: true, editable: false }, `token evaluate ${r.id} 個人番号`);
  }
  const e = await rejects(() => tc.record.updateRecord({ app, id: id.r1, record: { 区分: { value: '一般' } } }), 'view token updateRecord');
  assert.equal(e.status, 403, `view token updateRecord: ${e.code} ${e.message}`);
});

for (const u of READERS) {
  test(`${u}: updateRecord per record and field (record edit right, then field WRITE)`, async () => {
    const c = who[u].client;
    for (const k of KEYS) {
      // 区分 has no field rule: the record right alone decides (same value: the rules stay put)
      const plain = () => c.record.updateRecord({ app, id: id[k], record: { 区分: { value: RECS[k].区分 } } });
      if (can(u, k, 'e')) await plain();
      else await assertRejected(plain, 403, 'CB_NO02', `${u} updateRecord ${k} 区分`);
      if (!can(u, k, 'e')) continue;
      for (const code of ['個人番号', '件名']) {
        const value = `${RECS[k][code]}+${u}`;
        const write = () => c.record.updateRecord({ app, id: id[k], record: { [code]: { value } } });
        if (fieldAccess(u, k, code) === 'WRITE') {
          const { revision } = await write();
          assert.match(revision, /^\d+$/);
          RECS[k][code] = value;
        } else {
          await assertRejected(write, 403, 'CB_NO02', `${u} updateRecord ${k} ${code} (${fieldAccess(u, k, code)})`);
        }
      }
    }
  });
}

test('the writes that were accepted are stored, the refused ones are not', async () => {
  const tc = tokenClient(await mintToken(app, ['view']));
  const { records } = await tc.record.getRecords({ app, query: 'order by $id asc' });
  for (const rec of records) {
    const k = keysOf([rec])[0];
    assert.equal(rec.個人番号.value, RECS[k].個人番号, `${k} 個人番号`);
    assert.equal(rec.件名.value, RECS[k].件名, `${k} 件名`);
  }
  // spot checks of the table: yamada wrote 個人番号 of r1, suzuki 件名 of r4 only
  assert.match(RECS.r1.個人番号, /\+yamada/);
  assert.doesNotMatch(RECS.r1.個人番号, /suzuki|sato/);
  assert.equal(RECS.r4.件名, '担当限定（鈴木）+suzuki');
});

test('deleteRecords: refused without the delete right, then allowed', async () => {
  for (const u of READERS) {
    for (const k of KEYS) {
      if (can(u, k, 'd')) continue;
      await assertRejected(() => who[u].client.record.deleteRecords({ app, ids: [id[k]] }), 403, 'CB_NO02', `${u} delete ${k}`);
    }
  }
  await who.yamada.client.record.deleteRecords({ app, ids: [id.r2] });
  await who.suzuki.client.record.deleteRecords({ app, ids: [id.r4] });
  const tc = tokenClient(await mintToken(app, ['view']));
  const { records } = await tc.record.getRecords({ app, query: 'order by $id asc' });
  assert.deepEqual(keysOf(records), ['r1', 'r3', 'r5']);
});
