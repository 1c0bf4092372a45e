// バックアップからの復元 (#/backups, system administrators): the backups the server holds,
// choose one, an app and (optionally) a record number; the differences between today and the
// backup are shown first (fields, status, assignees, comments and files that come back, or for
// a whole app the counts of records changed / brought back / set aside); only then the restore.
// A restore keeps record numbers, history and status and is itself a new revision (undoable).
import { html, useState, useEffect } from '../lib/html.js';
import { api } from '../lib/api.js';
import { useStyle } from '../lib/style.js';
import { t, fmtDateTime, fmtNum } from '../lib/i18n.js';

function message(e) {
  const parts = [e.message];
  if (e.errors) for (const v of Object.values(e.errors)) parts.push(...(v.messages || []));
  return [...new Set(parts)].join(' ');
}

const when = (unix) => (unix ? fmtDateTime(new Date(unix * 1000)) : '');

function size(n) {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(n / 1024))} KB`;
}

/* A stored value as people read it (text, numbers, lists of users or files). */
function show(v) {
  const empty = t('（空）', '(empty)');
  if (v === null || v === undefined || v === '') return empty;
  if (Array.isArray(v)) return v.map((x) => (x && typeof x === 'object' ? x.name || x.code || x.fileKey || JSON.stringify(x) : String(x))).join(t('、', ', ')) || empty;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const STATES = () => ({
  changed: t('変更されています', 'Changed since'),
  same: t('現在と同じです', 'Same as now'),
  deleted_in_live: t('現在は削除されています', 'Deleted now'),
  absent_in_live: t('現在はありません（データごと消えています）', 'Gone now (its data is missing)'),
});

function RecordDiff({ p }) {
  return html`<div class="bk-diff">
    <p><span class="chip">${STATES()[p.state] || p.state}</span>
      ${t(`レコード番号 ${p.record}（現在の版 ${p.revision.live}、復元する版 ${p.revision.target}）`,
        `Record ${p.record} (revision now ${p.revision.live}, restored revision ${p.revision.target})`)}</p>
    ${p.fields.length || p.status || p.assignees ? html`<table class="dense bk-table">
      <caption>${t('復元で変わる項目', 'What the restore changes')}</caption>
      <thead><tr><th scope="col">${t('項目', 'Field')}</th><th scope="col">${t('現在', 'Now')}</th><th scope="col">${t('復元後', 'After the restore')}</th></tr></thead>
      <tbody>
        ${p.fields.map((f) => html`<tr><th scope="row">${f.label}</th><td>${show(f.from)}</td><td>${show(f.to)}</td></tr>`)}
        ${p.status ? html`<tr><th scope="row">${t('ステータス', 'Status')}</th><td>${show(p.status.from)}</td><td>${show(p.status.to)}</td></tr>` : null}
        ${p.assignees ? html`<tr><th scope="row">${t('作業者', 'Assignees')}</th><td>${show(p.assignees.from)}</td><td>${show(p.assignees.to)}</td></tr>` : null}
      </tbody></table>` : html`<p>${t('項目の値に違いはありません。', 'No field value differs.')}</p>`}
    ${p.hiddenFields > 0 ? html`<p>${t(`閲覧できない項目 ${p.hiddenFields} 件にも違いがあります（復元すると戻ります）。`,
      `${p.hiddenFields} fields you may not view also differ (the restore puts them back).`)}</p>` : null}
    ${p.commentsAdded !== undefined ? html`<ul class="bk-counts">
      <li>${t(`戻るコメント：${p.commentsAdded} 件`, `Comments brought back: ${p.commentsAdded}`)}</li>
      <li>${t(`戻る添付ファイル：${p.filesAdded} 件（うちバックアップから内容を戻すもの ${p.blobsMissing} 件）`,
        `Attachments brought back: ${p.filesAdded} (contents read from the backup: ${p.blobsMissing})`)}</li></ul>` : null}
  </div>`;
}

function AppDiff({ p }) {
  const d = p.definition, r = p.records;
  return html`<div class="bk-diff">
    <ul class="bk-counts">
      <li>${t('アプリの設定：', 'App settings: ')}${d.changed ? t('変更されています（バックアップの設定に戻して運用環境へ反映します）', 'changed (the backup\'s settings are put back and deployed)') : t('現在と同じです', 'same as now')}</li>
      ${d.name ? html`<li>${t('アプリ名：', 'App name: ')}${d.name.from} → ${d.name.to}</li>` : null}
      ${d.fieldsAdded.length ? html`<li>${t('戻るフィールド：', 'Fields brought back: ')}${d.fieldsAdded.join(t('、', ', '))}</li>` : null}
      ${d.fieldsRemoved.length ? html`<li>${t('バックアップ後に追加されたフィールド：', 'Fields added since the backup: ')}${d.fieldsRemoved.join(t('、', ', '))}</li>` : null}
      ${d.fieldsChanged.length ? html`<li>${t('設定の変わったフィールド：', 'Fields whose settings changed: ')}${d.fieldsChanged.join(t('、', ', '))}</li>` : null}
      <li>${t(`バックアップの内容に戻すレコード：${fmtNum(r.changed)} 件`, `Records put back as in the backup: ${fmtNum(r.changed)}`)}</li>
      <li>${t(`削除から戻すレコード：${fmtNum(r.added)} 件`, `Records brought back from deletion: ${fmtNum(r.added)}`)}</li>
      <li>${t(`バックアップ後に作られ、削除扱いにするレコード：${fmtNum(r.removed)} 件`, `Records created since the backup, set aside as deleted: ${fmtNum(r.removed)}`)}</li>
      <li>${t(`変わらないレコード：${fmtNum(r.unchanged)} 件`, `Records unchanged: ${fmtNum(r.unchanged)}`)}</li>
    </ul></div>`;
}

/* The last backup run: when, and whether it and its verify succeeded (a failure is also mailed
 * to the administrators and audited by the server). */
function BackupStatus({ s }) {
  const last = s.last;
  if (!last) return html`<p class="bk-status bk-warn" role="status">${t('まだバックアップが取られていません。', 'No backup has been taken yet.')}</p>`;
  return s.ok
    ? html`<p class="bk-status" role="status">${t(`最新のバックアップ：${when(last.taken_at)}（検証済み）`, `Latest backup: ${when(last.taken_at)} (verified)`)}</p>`
    : html`<p class="bk-status bk-warn" role="alert">${t(`最新のバックアップに失敗しました（${when(last.taken_at)}）：`, `The latest backup failed (${when(last.taken_at)}): `)}${last.error || ''}</p>`;
}

export default function Backups() {
  useStyle('/assets/css/staff/backups.css');
  const [list, setList] = useState(null);
  const [status, setStatus] = useState(null);
  const [apps, setApps] = useState([]);
  const [err, setErr] = useState('');
  const [backup, setBackup] = useState('');
  const [app, setApp] = useState('');
  const [record, setRecord] = useState('');
  const [source, setSource] = useState('backup'); // or 'revision': a version from the record's history
  const [revision, setRevision] = useState('');
  const [preview, setPreview] = useState(null);
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api('GET', '/api/backups.json').then((r) => {
      setStatus(r);
      setList(r.archives || []);
      if (r.archives && r.archives.length) setBackup(r.archives[0].id);
    }, (e) => { setList([]); setErr(message(e)); });
    api('GET', '/k/v1/apps.json').then((r) => setApps(r.apps || []), () => {});
  }, []);

  const body = () => {
    if (source === 'revision') return { app: Number(app), record: Number(record.trim()), revision: Number(revision.trim()) };
    const b = { backup, app: Number(app) };
    if (record.trim()) b.record = Number(record.trim());
    return b;
  };
  const reset = () => { setPreview(null); setDone(''); };
  const check = async (ev) => {
    ev.preventDefault();
    reset(); setErr('');
    if (source === 'revision' && (!app || !record.trim() || !revision.trim())) {
      setErr(t('アプリ・レコード番号・版を入れてください。', 'Give the app, the record number and the revision.'));
      return;
    }
    if (source === 'backup' && (!backup || !app)) { setErr(t('バックアップとアプリを選んでください。', 'Choose a backup and an app.')); return; }
    setBusy(true);
    try { setPreview({ body: body(), data: await api('POST', '/api/restore/preview.json', body()) }); }
    catch (e) { setErr(message(e)); }
    setBusy(false);
  };
  const run = async () => {
    setErr(''); setBusy(true);
    try {
      const r = await api('POST', '/api/restore.json', preview.body);
      setDone(preview.body.record
        ? t(`レコード番号 ${preview.body.record} を復元しました（版 ${r.revision}）。`, `Record ${preview.body.record} was restored (revision ${r.revision}).`)
        : t(`アプリを復元しました（戻したレコード ${r.changed + r.added} 件、削除扱い ${r.removed} 件）。`,
          `The app was restored (${r.changed + r.added} records put back, ${r.removed} set aside as deleted).`));
      setPreview(null);
    } catch (e) { setErr(message(e)); }
    setBusy(false);
  };

  return html`<div class="bk">
    <h1>${t('バックアップからの復元', 'Restore from a backup')}</h1>
    <p>${t('誤って削除・変更したデータを、バックアップの時点の内容に戻します。レコード番号・ステータス・履歴はそのまま残り、復元も履歴に1つの版として記録されます。',
      'Puts data deleted or changed by mistake back as it was in a backup. Record numbers, statuses and history stay; the restore itself is one more revision in the history.')}</p>
    ${status ? html`<${BackupStatus} s=${status} />` : null}
    <div role="alert" class=${err ? 'error-box' : ''}>${err ? html`<p>${err}</p>` : null}</div>
    <div role="status">${done ? html`<p class="bk-done">${done}
      ${preview === null && app && record ? html` <a href=${`#/apps/${app}/records/${record}`}>${t('レコードを開く', 'Open the record')}</a>` : null}</p>` : null}</div>
    ${list === null ? html`<p class="loading">${t('読み込み中…', 'Loading…')}</p>` : html`
    <form onSubmit=${check} novalidate>
      <fieldset class="bk-source"><legend>${t('復元元', 'Restore from')}</legend>
        <label><input type="radio" name="bk-source" value="backup" checked=${source === 'backup'}
          onChange=${() => { setSource('backup'); reset(); }} /> ${t('バックアップ', 'A backup')}</label>
        <label><input type="radio" name="bk-source" value="revision" checked=${source === 'revision'}
          onChange=${() => { setSource('revision'); reset(); }} /> ${t('レコードの履歴の版（削除したレコードも）', 'A revision in the record\'s history (deleted records too)')}</label>
      </fieldset>
      ${source === 'backup' ? html`<fieldset class="bk-list"><legend>${t('バックアップ（新しい順）', 'Backups (newest first)')}</legend>
        ${list.length === 0 ? html`<p>${t('利用できるバックアップはありません。', 'There is no backup to restore from.')}</p>` : html`<table class="dense">
          <thead><tr><th scope="col">${t('選択', 'Choose')}</th><th scope="col">${t('取得日時', 'Taken at')}</th><th scope="col">${t('大きさ', 'Size')}</th><th scope="col">ID</th></tr></thead>
          <tbody>${list.map((b, i) => html`<tr>
            <td><input type="radio" name="backup" id=${`bk-${i}`} value=${b.id} checked=${backup === b.id}
              onChange=${() => { setBackup(b.id); reset(); }} /></td>
            <td><label for=${`bk-${i}`}>${when(b.taken_at)}</label></td><td>${size(b.size)}</td><td class="bk-id">${b.id}</td></tr>`)}
          </tbody></table>`}
      </fieldset>` : null}
      <div class="bk-fields">
        <div><label for="bk-app">${t('アプリ', 'App')}</label>
          <select id="bk-app" value=${app} onChange=${(ev) => { setApp(ev.currentTarget.value); reset(); }}>
            <option value="">${t('選んでください', 'Choose')}</option>
            ${apps.map((a) => html`<option value=${a.appId}>${a.name}${t(`（${a.appId}）`, ` (${a.appId})`)}</option>`)}
          </select></div>
        <div><label for="bk-record">${source === 'revision' ? t('レコード番号', 'Record number')
          : t('レコード番号（空欄ならアプリ全体）', 'Record number (empty: the whole app)')}</label>
          <input id="bk-record" inputmode="numeric" value=${record} onInput=${(ev) => { setRecord(ev.currentTarget.value); reset(); }} /></div>
        ${source === 'revision' ? html`<div><label for="bk-revision">${t('版（変更履歴の番号）', 'Revision (its number in the history)')}</label>
          <input id="bk-revision" inputmode="numeric" value=${revision} onInput=${(ev) => { setRevision(ev.currentTarget.value); reset(); }} /></div>` : null}
      </div>
      <button type="submit" disabled=${busy}>${t('差分を確認', 'Show the differences')}</button>
    </form>`}
    ${preview ? html`<section aria-labelledby="bk-preview-title" class="bk-preview">
      <h2 id="bk-preview-title">${preview.body.revision
        ? t(`復元の内容（版 ${preview.body.revision}）`, `What the restore does (revision ${preview.body.revision})`)
        : t(`復元の内容（${when(preview.data.backup?.takenAt)} のバックアップ）`, `What the restore does (backup of ${when(preview.data.backup?.takenAt)})`)}</h2>
      ${preview.body.record ? html`<${RecordDiff} p=${preview.data} />` : html`<${AppDiff} p=${preview.data} />`}
      <button type="button" class="primary" onClick=${run} disabled=${busy}>${t('この内容で復元する', 'Restore this')}</button>
      <button type="button" onClick=${reset} disabled=${busy}>${t('やめる', 'Cancel')}</button>
    </section>` : null}
  </div>`;
}
