// End-to-end tests of `madoguchi pack` (docs/packs.md) against private servers: a small
// fixture pack (tests/e2e/fixtures/pack-mini: the real directory and 町丁目 master, the 審査台帳
// and one procedure app with a form and a template) installed twice — the second run changes
// nothing (same app ids, same record revisions, no new form or template versions) — then
// upgraded (a new field and view reach the app, records stay); routing and the ledger on a
// record made over the API; --demo users and records, remove-demo taking exactly them away;
// a broken app.json failing with the file and the API's error; and the real Setagaya pack
// (packs/setagaya): its apps in apps.json, its forms on /apply/, its templates, counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, run, env, startServer } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = join(root, 'tests', 'e2e', 'fixtures', 'pack-mini');

const pack = (srv, args) => run(env.bin, ['pack', ...args, '--data', srv.data, '--log-level', 'warn'],
  undefined, { timeout: 300000 });
const as = (srv) => ({ base: srv.url, auth: { user: srv.user, password: srv.password } });

async function apps(srv) {
  const res = await call('GET', '/k/v1/apps.json', as(srv));
  assert.equal(res.status, 200, res.text);
  return Object.fromEntries(res.json.apps.map((a) => [a.code, a.appId]));
}

async function records(srv, app, query = '') {
  const res = await call('GET', '/k/v1/records.json', { ...as(srv), query: { app, query, totalCount: true } });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

test('fixture pack: install twice, upgrade, routing and the ledger, demo and remove-demo, failures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mado-pack-'));
  const srv = await startServer();
  try {
    const p = join(dir, 'pack');
    cpSync(fixture, p, { recursive: true });
    let out = await pack(srv, ['install', p]);
    assert.match(out.stdout, /5 地域, 61 町, 277 町丁/);
    assert.match(out.stdout, /apps 2 \(created 2, updated 0, unchanged 0\), forms 1 \(created 1.*templates 1 \(created 1/);
    const ids = await apps(srv);
    assert.ok(ids.mini && ids.shinsadaicho, JSON.stringify(ids));

    // a record made over the API goes to the office of its site and into the ledger
    let res = await call('POST', '/k/v1/record.json', { ...as(srv), body: { app: ids.mini, record: {
      届出者氏名: { value: '世田谷 花子' }, 地域: { value: '世田谷' }, 町名: { value: '池尻' }, 丁目: { value: '四丁目' } } } });
    assert.equal(res.status, 200, res.text);
    const rid = res.json.id;
    res = await call('GET', '/k/v1/record.json', { ...as(srv), query: { app: ids.mini, id: rid } });
    assert.equal(res.json.record.窓口.value[0].code, 'setagaya-machi');
    assert.deepEqual(res.json.record.窓口要確認.value, ['要確認']); // 池尻四丁目: partly 北沢
    const rev = res.json.record.$revision.value;
    let led = await records(srv, ids.shinsadaicho, `台帳キー = "${ids.mini}-${rid}"`);
    assert.equal(led.records.length, 1);
    assert.equal(led.records[0].申請者.value, '世田谷 花子');
    assert.equal(led.records[0].処理状況.value, '受付中');

    // the forms: listed on /apply/, and the site choices come from the master
    res = await call('GET', '/apply/api/forms.json', { base: srv.url, auth: null });
    assert.equal(res.status, 200, res.text);
    assert.ok(JSON.stringify(res.json).includes('mini-todokede'), res.text.slice(0, 300));
    res = await call('GET', '/apply/', { base: srv.url, auth: null });
    assert.match(res.text, /テスト届出/);

    // the same pack again: nothing changes
    out = await pack(srv, ['install', p]);
    assert.match(out.stdout, /apps 2 \(created 0, updated 0, unchanged 2\), forms 1 \(created 0, updated 0, unchanged 1\), templates 1 \(created 0, updated 0, unchanged 1\)/);
    assert.deepEqual(await apps(srv), ids);
    res = await call('GET', '/k/v1/record.json', { ...as(srv), query: { app: ids.mini, id: rid } });
    assert.equal(res.json.record.$revision.value, rev);

    // an upgrade: a new field and a changed view reach the app; records stay
    const appJson = join(p, 'apps', 'mini', 'app.json');
    const def = JSON.parse(readFileSync(appJson, 'utf8'));
    def.fields.備考 = { type: 'MULTI_LINE_TEXT', code: '備考', label: '備考' };
    def.views.一覧.fields.push('備考');
    writeFileSync(appJson, JSON.stringify(def));
    out = await pack(srv, ['install', p]);
    assert.match(out.stdout, /apps 2 \(created 0, updated 1, unchanged 1\)/);
    res = await call('GET', '/k/v1/app/form/fields.json', { ...as(srv), query: { app: ids.mini } });
    assert.ok(res.json.properties.備考, 'new field deployed');
    res = await call('GET', '/k/v1/record.json', { ...as(srv), query: { app: ids.mini, id: rid } });
    assert.equal(res.json.record.$revision.value, rev);

    // demo data: users for every role in every office, records over the year
    out = await pack(srv, ['install', '--demo', p]);
    const logins = out.stdout.split('\n').filter((l) => /^\s+demo-\S+\s+\S{16}$/.test(l));
    assert.equal(logins.length, 4, out.stdout); // 2 offices × 2 roles in the fixture
    const pwFile = join(srv.data, 'demo-passwords.txt');
    assert.equal(statSync(pwFile).mode & 0o777, 0o600);
    assert.match(out.stdout, /demo records: 30 created over 1 apps/);
    let all = await records(srv, ids.mini);
    assert.equal(Number(all.totalCount), 31);
    const statuses = new Set(all.records.map((r) => r.ステータス.value));
    assert.ok(statuses.size >= 2, `statuses spread: ${[...statuses]}`);
    const days = new Set(all.records.map((r) => r.作成日時.value.slice(0, 7)));
    assert.ok(days.size >= 4, `months spread: ${[...days]}`);
    out = await pack(srv, ['list']);
    assert.match(out.stdout, /^mini\t0\.1\.0\tapps 2\tforms 1\ttemplates 1\tdemo$/m);
    // a second --demo adds nothing
    out = await pack(srv, ['install', '--demo', p]);
    assert.match(out.stdout, /installed already/);

    out = await pack(srv, ['remove-demo']);
    assert.match(out.stdout, /30 records deleted, 4 users disabled/);
    all = await records(srv, ids.mini);
    assert.equal(Number(all.totalCount), 1);
    assert.equal(all.records[0].$id.value, rid);
    led = await records(srv, ids.shinsadaicho);
    assert.equal(Number(led.totalCount), 1);
    assert.ok(!existsSync(pwFile));
    res = await call('GET', '/v1/users.json', { ...as(srv), query: { codes: ['demo-kitazawa-tanto'] } });
    assert.equal(res.json.users[0]?.valid, false, res.text);

    // a broken definition: exit 1, the file and the API's error named
    def.fields.地域.type = 'NO_SUCH_TYPE';
    writeFileSync(appJson, JSON.stringify(def));
    await assert.rejects(pack(srv, ['install', p]), (err) => {
      assert.equal(err.code, 1);
      assert.match(err.message, /apps\/mini\/app\.json: PUT fields: HTTP 400 .*CB_VA01/);
      return true;
    });
    // an unknown optionsFrom is refused before anything is sent
    def.fields.地域.type = 'DROP_DOWN';
    def.settings.recordRules.choices.地域 = { optionsFrom: 'nowhere' };
    writeFileSync(appJson, JSON.stringify(def));
    await assert.rejects(pack(srv, ['install', p]), /unknown optionsFrom "nowhere"/);
    await assert.rejects(run(env.bin, ['pack', 'install', '--data', srv.data]), (err) => err.code === 2);
  } finally {
    const r = await srv.stop();
    assert.ok(!r.sanitizer, r.log);
    rmSync(srv.dir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Setagaya pack: its apps, forms and templates, counted', async () => {
  const srv = await startServer();
  try {
    const out = await pack(srv, ['install', join(root, 'packs', 'setagaya')]);
    // the pack's apps open to the システム管理者 role (the built-in administrators may manage
    // apps but see only what the apps' permissions give them)
    const m = await call('PUT', '/admin/api/memberships.json', { ...as(srv),
      body: { user: srv.user, orgs: ['toshikeikaku'], groups: ['sysadmin'] } });
    assert.equal(m.status, 200, m.text);
    const ids = await apps(srv);
    const procedures = JSON.parse(readFileSync(join(root, 'packs', 'setagaya', 'pack.json'), 'utf8')).apps
      .filter((c) => existsSync(join(root, 'packs', 'setagaya', 'apps', c, 'app.json')));
    for (const c of procedures) assert.ok(ids[c], `app ${c} installed`);
    assert.ok(ids.shinsadaicho, '審査台帳');
    let forms = 0, templates = 0;
    const res = await call('GET', '/apply/api/forms.json', { base: srv.url, auth: null });
    assert.equal(res.status, 200, res.text);
    const list = JSON.stringify(res.json);
    for (const c of procedures) {
      const t = await call('GET', '/k/v1/app/templates.json', { ...as(srv), query: { app: ids[c] } });
      if (t.status === 200) templates += t.json.templates.length;
    }
    forms = (list.match(/"code":/g) || []).length;
    console.log(`setagaya pack: ${procedures.length} procedures, ${forms} forms on /apply/, ${templates} templates`);
    console.log(out.stdout.split('\n').filter((l) => l.startsWith('installed')).join('\n'));
    if (procedures.length === 7) {
      assert.match(out.stdout, /forms 29 \(created 29.*templates 21 \(created 21/);
      assert.equal(templates, 21);
      assert.equal(res.json.forms?.length ?? forms, 29);
    }
    assert.equal(procedures.length, 7);
  } finally {
    const r = await srv.stop();
    assert.ok(!r.sanitizer, r.log);
    rmSync(srv.dir, { recursive: true, force: true });
  }
});
