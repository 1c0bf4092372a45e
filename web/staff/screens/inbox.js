// 受信箱: my notifications (unread first, bold) and the records assigned to me across apps,
// oldest first, with the legal clock's due date. Opening a notification marks it read.
import { html, useState, useEffect } from '../lib/html.js';
import { api } from '../lib/api.js';
import { useStyle } from '../lib/style.js';

function fmt(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo', dateStyle: 'short', timeStyle: 'short' });
}

const kinds = {
  assigned: '担当になりました', returned: '差戻し', reminder: '催促', applicant_message: '申請者から', applicant_overdue: '回答期限切れ',
};

function Notifications() {
  const [data, setData] = useState(null);
  const [err, setErr] = useState('');
  const load = () => api('GET', '/api/inbox.json', { limit: 200 }).then((d) => { setData(d); setErr(''); }, (e) => setErr(e.message));
  useEffect(() => { load(); }, []);
  const read = async (ids) => {
    try { await api('POST', '/api/inbox/read.json', ids ? { ids } : { all: true }); } catch (e) { setErr(e.message); }
    load();
  };
  if (err) return html`<p class="error" role="alert">${err}</p>`;
  if (!data) return html`<p class="loading">読み込み中…</p>`;
  const items = [...data.items].sort((a, b) => (a.read - b.read) || (b.createdAt < a.createdAt ? -1 : 1));
  return html`<section aria-labelledby="inbox-title">
    <div class="section-head">
      <h2 id="inbox-title">お知らせ <span class="count">（未読 ${data.unread} 件）</span></h2>
      ${Number(data.unread) > 0 ? html`<button type="button" onClick=${() => read(null)}>すべて既読にする</button>` : null}
    </div>
    ${items.length === 0 ? html`<p>お知らせはありません。</p>` : html`
    <table class="dense inbox-table">
      <caption class="sr">お知らせの一覧（未読が先）</caption>
      <thead><tr><th scope="col">状態</th><th scope="col">件名</th><th scope="col">アプリ</th><th scope="col">種類</th><th scope="col">日時</th></tr></thead>
      <tbody>${items.map((it) => html`<tr class=${it.read ? 'read' : 'unread'} key=${it.id}>
        <td>${it.read ? '既読' : html`<span class="chip unread-chip">未読</span>`}</td>
        <td><a href=${`#/apps/${it.app}/records/${it.record}`} onClick=${() => !it.read && read([it.id])}>${it.title}</a></td>
        <td>${it.appName || it.app}</td>
        <td>${kinds[it.kind] || it.kind}</td>
        <td><time datetime=${it.createdAt}>${fmt(it.createdAt)}</time></td>
      </tr>`)}</tbody>
    </table>`}
  </section>`;
}

function Assigned() {
  const [data, setData] = useState(null);
  const [err, setErr] = useState('');
  useEffect(() => { api('GET', '/api/assigned.json').then(setData, (e) => setErr(e.message)); }, []);
  if (err) return html`<p class="error" role="alert">${err}</p>`;
  if (!data) return html`<p class="loading">読み込み中…</p>`;
  return html`<section aria-labelledby="assigned-title">
    <h2 id="assigned-title">担当している案件 <span class="count">（${data.records.length}${data.more ? '+' : ''} 件、古い順）</span></h2>
    ${data.records.length === 0 ? html`<p>担当している案件はありません。</p>` : html`
    <table class="dense assigned-table">
      <caption class="sr">担当している案件（ステータスが変わった日時の古い順）</caption>
      <thead><tr><th scope="col">アプリ</th><th scope="col">レコード</th><th scope="col">ステータス</th><th scope="col">ステータス変更</th><th scope="col">処理期限</th></tr></thead>
      <tbody>${data.records.map((r) => html`<tr key=${`${r.app}-${r.record}`} class=${r.overdue ? 'overdue' : null}>
        <td>${r.appName}</td>
        <td><a href=${`#/apps/${r.app}/records/${r.record}`}>${r.appName} ${r.record}</a></td>
        <td>${r.status || '—'}</td>
        <td><time datetime=${r.statusAt}>${fmt(r.statusAt)}</time></td>
        <td>${r.due ? html`<time datetime=${r.due}>${r.due}</time>` : '—'}
          ${r.overdue ? html` <span class="chip overdue-chip">期限超過</span>` : null}
          ${r.clock === 'paused' ? html` <span class="chip">停止中</span>` : null}</td>
      </tr>`)}</tbody>
    </table>`}
  </section>`;
}

export default function Inbox() {
  useStyle('/assets/css/staff/inbox.css');
  useEffect(() => { document.title = '受信箱 — 窓口'; }, []);
  return html`<h1>受信箱</h1><${Notifications} /><${Assigned} />`;
}
