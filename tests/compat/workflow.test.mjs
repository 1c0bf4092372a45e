// Compatibility: process management (issue #4) through the unmodified @kintone/rest-api-client
// against the real server binary: updateProcessManagement (preview) + deployApp,
// getProcessManagement (preview and live), updateRecordStatus, updateRecordsStatus,
// updateRecordAssignees, and comments, as three service accounts with the ward's roles. The
// errors the client surfaces for a wrong action, a stale revision and a non-assignee.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { passwordClient, rejects, createAppWithClient, env } from './helpers.mjs';
import { run } from '../e2e/lib.mjs';

const tag = `${process.pid}-${randomBytes(3).toString('hex')}`;
const who = {};
let admin;
let app;

async function addUser(name) {
  const password = `pw-${randomBytes(9).toString('hex')}`;
  const login = `${name}-${tag}`;
  const args = ['user', 'add', '--data', env.data];
  if (env.db) args.push('--db', env.db);
  args.push('--login', login, '--name', name, '--password-stdin', '--service');
  await run(env.bin, args, `${password}\n`);
  who[name] = { login, client: passwordClient(login, password) };
}

async function deployAndWait() {
  await admin.app.deployApp({ apps: [{ app }] });
  const deadline = Date.now() + 30000;
  for (;;) {
    const { apps } = await admin.app.getDeployStatus({ apps: [app] });
    if (apps[0].status === 'SUCCESS') return;
    assert.ok(Date.now() < deadline, 'deploy did not finish');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const user = (name) => ({ entity: { type: 'USER', code: who[name].login } });

before(async () => {
  admin = passwordClient();
  for (const n of ['tanto', 'kakari1', 'kakari2', 'kacho']) await addUser(n);
  app = await createAppWithClient(admin, `compat workflow ${tag}`, {
    件名: { type: 'SINGLE_LINE_TEXT', code: '件名', label: '件名' },
  });
});

test('updateProcessManagement + deployApp + getProcessManagement', async () => {
  const states = {
    審査中: { name: '審査中', index: '0', assignee: { type: 'ONE', entities: [user('tanto')] } },
    係長確認: { name: '係長確認', index: '1', assignee: { type: 'ALL', entities: [user('kakari1'), user('kakari2')] } },
    課長決裁: { name: '課長決裁', index: '2', assignee: { type: 'ANY', entities: [user('kacho')] } },
    決裁完了: { name: '決裁完了', index: '3', assignee: { type: 'ONE', entities: [] } },
  };
  const actions = [
    { name: '確認依頼', from: '審査中', to: '係長確認', filterCond: '' },
    { name: '承認', from: '係長確認', to: '課長決裁', filterCond: '' },
    { name: '差戻し', from: '係長確認', to: '審査中', filterCond: '' },
    { name: '決裁', from: '課長決裁', to: '決裁完了', filterCond: '' },
  ];
  const { revision } = await admin.app.updateProcessManagement({ app, enable: true, states, actions });
  assert.match(revision, /^\d+$/);
  const preview = await admin.app.getProcessManagement({ app, preview: true });
  assert.equal(preview.enable, true);
  assert.deepEqual(Object.keys(preview.states).sort(), Object.keys(states).sort());
  await deployAndWait();
  const live = await admin.app.getProcessManagement({ app });
  assert.equal(live.enable, true);
  assert.equal(live.states.係長確認.assignee.type, 'ALL');
  assert.equal(live.actions.length, 4);
  assert.equal(live.actions[0].name, '確認依頼');
});

test('updateRecordStatus through the chain, with ALL approval, comments and errors', async () => {
  const { id } = await admin.record.addRecord({ app, record: { 件名: { value: '建築確認' } } });
  let rec = (await admin.record.getRecord({ app, id })).record;
  assert.equal(rec.ステータス.value, '審査中');
  assert.deepEqual(rec.作業者.value.map((u) => u.code), [who.tanto.login]);

  // wrong action, stale revision, not an assignee: the client surfaces kintone's errors
  await rejects(() => who.tanto.client.record.updateRecordStatus({ app, id, action: '承認' }), 'GAIA_IL03');
  await rejects(() => who.tanto.client.record.updateRecordStatus({ app, id, action: '確認依頼', revision: 99 }), 'GAIA_CO02');
  await rejects(() => who.kacho.client.record.updateRecordStatus({ app, id, action: '確認依頼' }), 'MD_WF01');

  const r1 = await who.tanto.client.record.updateRecordStatus({ app, id, action: '確認依頼', revision: 1 });
  assert.equal(r1.revision, '3'); // two revisions per status change
  const r2 = await who.kakari1.client.record.updateRecordStatus({ app, id, action: '承認' });
  assert.equal(r2.revision, '4'); // one approval of two
  rec = (await admin.record.getRecord({ app, id })).record;
  assert.equal(rec.ステータス.value, '係長確認');
  assert.deepEqual(rec.作業者.value.map((u) => u.code), [who.kakari2.login]);
  const r3 = await who.kakari2.client.record.updateRecordStatus({ app, id, action: '承認' });
  assert.equal(r3.revision, '6');
  rec = (await admin.record.getRecord({ app, id })).record;
  assert.equal(rec.ステータス.value, '課長決裁');

  await who.kacho.client.record.addRecordComment({ app, record: id, comment: { text: '決裁します' } });
  const { comments } = await admin.record.getRecordComments({ app, record: id });
  assert.equal(comments[0].text, '決裁します');

  await who.kacho.client.record.updateRecordStatus({ app, id, action: '決裁' });
  rec = (await admin.record.getRecord({ app, id })).record;
  assert.equal(rec.ステータス.value, '決裁完了');
});

test('updateRecordsStatus (all or nothing) and updateRecordAssignees', async () => {
  const { ids } = await admin.record.addRecords({ app, records: [{ 件名: { value: 'a' } }, { 件名: { value: 'b' } }] });
  await rejects(() => who.tanto.client.record.updateRecordsStatus({
    app, records: [{ id: ids[0], action: '確認依頼' }, { id: ids[1], action: '決裁' }],
  }), 'GAIA_IL03');
  let rec = (await admin.record.getRecord({ app, id: ids[0] })).record;
  assert.equal(rec.ステータス.value, '審査中');
  const { records } = await who.tanto.client.record.updateRecordsStatus({
    app, records: [{ id: ids[0], action: '確認依頼' }, { id: ids[1], action: '確認依頼' }],
  });
  assert.deepEqual(records.map((r) => r.revision), ['3', '3']);

  const { revision } = await admin.record.updateRecordAssignees({ app, id: ids[0], assignees: [who.kakari2.login] });
  assert.equal(revision, '4');
  rec = (await admin.record.getRecord({ app, id: ids[0] })).record;
  assert.deepEqual(rec.作業者.value.map((u) => u.code), [who.kakari2.login]);
  const list = await admin.record.getRecords({ app, query: 'ステータス in ("係長確認") order by $id asc' });
  assert.equal(list.records.length, 2);
});
