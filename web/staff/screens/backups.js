// バックアップからの復元 (#/backups, system administrators): the backups the server holds,
// choose one, an app and (optionally) a record number; the differences between today and the
// backup are shown first (fields, status, assignees, comments and files that come back, or for
// a whole app the counts of records changed / brought back / set aside); only then the restore.
// A restore keeps record numbers, history and status and is itself a new revision (undoable).
import { html, useState, useEffect } from '../lib/html.js';
import { api } from '../lib/api.js';
import { useStyle } from '../lib/style.js';

function message(e) {
  const parts = [e.message];
  if (e.errors) for (const v of Object.values(e.errors)) parts.push(...(v.messages || []));
  return [...new Set(parts)].join(' ');
}

function when(unix) {
  if (!unix) return '';
  return new Date(unix * 1000).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' });
}

function size(n) {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(n / 1024))} KB`;
}

/* A stored value as people read it (text, numbers, lists of users or files). */
function show(v) {
  if (v === null || v === undefined || v === '') return '（空）';
  if (Array.isArray(v)) return v.map((x) => (x && typeof x === 'object' ? x.name || x.code || x.fileKey || JSON.stringify(x) : String(x))).join('、') || '（空）';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const STATES = {
  changed: '変更されています',
  same: '現在と同じです',
  deleted_in_live: '現在は削除されています',
  absent_in_live: '現在はありません（データごと消えています）',
};

function RecordDiff({ p }) {
  return html`<div class="bk-diff">
    <p><span class="chip">${STATES[p.state] || p.state}</span>
      レコード番号 ${p.record}（現在の版 ${p.revision.live}、復元する版 ${p.revision.target}）</p>
    ${p.fields.length || p.status || p.assignees ? html`<table class="dense bk-table">
      <caption>復元で変わる項目</caption>
      <thead><tr><th scope="col">項目</th><th scope="col">現在</th><th scope="col">復元後</th></tr></thead>
      <tbody>
        ${p.fields.map((f) => html`<tr><th scope="row">${f.label}</th><td>${show(f.from)}</td><td>${show(f.to)}</td></tr>`)}
        ${p.status ? html`<tr><th scope="row">ステータス</th><td>${show(p.status.from)}</td><td>${show(p.status.to)}</td></tr>` : null}
        ${p.assignees ? html`<tr><th scope="row">作業者</th><td>${show(p.assignees.from)}</td><td>${show(p.assignees.to)}</td></tr>` : null}
      </tbody></table>` : html`<p>項目の値に違いはありません。</p>`}
    ${p.commentsAdded !== undefined ? html`<ul class="bk-counts">
      <li>戻るコメント：${p.commentsAdded} 件</li>
      <li>戻る添付ファイル：${p.filesAdded} 件（うちバックアップから内容を戻すもの ${p.blobsMissing} 件）</li></ul>` : null}
  </div>`;
}

function AppDiff({ p }) {
  const d = p.definition, r = p.records;
  return html`<div class="bk-diff">
    <ul class="bk-counts">
      <li>アプリの設定：${d.changed ? '変更されています（バックアップの設定に戻して運用環境へ反映します）' : '現在と同じです'}</li>
      ${d.name ? html`<li>アプリ名：${d.name.from} → ${d.name.to}</li>` : null}
      ${d.fieldsAdded.length ? html`<li>戻るフィールド：${d.fieldsAdded.join('、')}</li>` : null}
      ${d.fieldsRemoved.length ? html`<li>バックアップ後に追加されたフィールド：${d.fieldsRemoved.join('、')}</li>` : null}
      ${d.fieldsChanged.length ? html`<li>設定の変わったフィールド：${d.fieldsChanged.join('、')}</li>` : null}
      <li>バックアップの内容に戻すレコード：${r.changed} 件</li>
      <li>削除から戻すレコード：${r.added} 件</li>
      <li>バックアップ後に作られ、削除扱いにするレコード：${r.removed} 件</li>
      <li>変わらないレコード：${r.unchanged} 件</li>
    </ul></div>`;
}

export default function Backups() {
  useStyle('/assets/css/staff/backups.css');
  const [list, setList] = useState(null);
  const [apps, setApps] = useState([]);
  const [err, setErr] = useState('');
  const [backup, setBackup] = useState('');
  const [app, setApp] = useState('');
  const [record, setRecord] = useState('');
  const [preview, setPreview] = useState(null);
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api('GET', '/api/backups.json').then((r) => {
      setList(r.archives || []);
      if (r.archives && r.archives.length) setBackup(r.archives[0].id);
    }, (e) => { setList([]); setErr(message(e)); });
    api('GET', '/k/v1/apps.json').then((r) => setApps(r.apps || []), () => {});
  }, []);

  const body = () => {
    const b = { backup, app: Number(app) };
    if (record.trim()) b.record = Number(record.trim());
    return b;
  };
  const reset = () => { setPreview(null); setDone(''); };
  const check = async (ev) => {
    ev.preventDefault();
    reset(); setErr('');
    if (!backup || !app) { setErr('バックアップとアプリを選んでください。'); return; }
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
        ? `レコード番号 ${preview.body.record} を復元しました（版 ${r.revision}）。`
        : `アプリを復元しました（戻したレコード ${r.changed + r.added} 件、削除扱い ${r.removed} 件）。`);
      setPreview(null);
    } catch (e) { setErr(message(e)); }
    setBusy(false);
  };

  return html`<div class="bk">
    <h1>バックアップからの復元</h1>
    <p>誤って削除・変更したデータを、バックアップの時点の内容に戻します。レコード番号・ステータス・履歴はそのまま残り、復元も履歴に1つの版として記録されます。</p>
    <div role="alert" class=${err ? 'error-box' : ''}>${err ? html`<p>${err}</p>` : null}</div>
    <div role="status">${done ? html`<p class="bk-done">${done}
      ${preview === null && app && record ? html` <a href=${`#/apps/${app}/records/${record}`}>レコードを開く</a>` : null}</p>` : null}</div>
    ${list === null ? html`<p class="loading">読み込み中…</p>` : html`
    <form onSubmit=${check} novalidate>
      <fieldset class="bk-list"><legend>バックアップ（新しい順）</legend>
        ${list.length === 0 ? html`<p>利用できるバックアップはありません。</p>` : html`<table class="dense">
          <thead><tr><th scope="col">選択</th><th scope="col">取得日時</th><th scope="col">大きさ</th><th scope="col">ID</th></tr></thead>
          <tbody>${list.map((b, i) => html`<tr>
            <td><input type="radio" name="backup" id=${`bk-${i}`} value=${b.id} checked=${backup === b.id}
              onChange=${() => { setBackup(b.id); reset(); }} /></td>
            <td><label for=${`bk-${i}`}>${when(b.taken_at)}</label></td><td>${size(b.size)}</td><td class="bk-id">${b.id}</td></tr>`)}
          </tbody></table>`}
      </fieldset>
      <div class="bk-fields">
        <div><label for="bk-app">アプリ</label>
          <select id="bk-app" value=${app} onChange=${(ev) => { setApp(ev.currentTarget.value); reset(); }}>
            <option value="">選んでください</option>
            ${apps.map((a) => html`<option value=${a.appId}>${a.name}（${a.appId}）</option>`)}
          </select></div>
        <div><label for="bk-record">レコード番号（空欄ならアプリ全体）</label>
          <input id="bk-record" inputmode="numeric" value=${record} onInput=${(ev) => { setRecord(ev.currentTarget.value); reset(); }} /></div>
      </div>
      <button type="submit" disabled=${busy}>差分を確認</button>
    </form>`}
    ${preview ? html`<section aria-labelledby="bk-preview-title" class="bk-preview">
      <h2 id="bk-preview-title">復元の内容（${when(preview.data.backup?.takenAt)} のバックアップ）</h2>
      ${preview.body.record ? html`<${RecordDiff} p=${preview.data} />` : html`<${AppDiff} p=${preview.data} />`}
      <button type="button" class="primary" onClick=${run} disabled=${busy}>この内容で復元する</button>
      <button type="button" onClick=${reset} disabled=${busy}>やめる</button>
    </section>` : null}
  </div>`;
}
