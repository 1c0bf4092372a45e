// 受信箱: my notifications (unread first, bold) and the records assigned to me across apps,
// oldest first, with the legal clock's due date. Opening a notification marks it read.
import { html, useState, useEffect } from '../lib/html.js';
import { api } from '../lib/api.js';
import { useStyle } from '../lib/style.js';
import { t, fmtDate, fmtDateTime, fmtNum } from '../lib/i18n.js';

const kinds = () => ({
  assigned: t('担当になりました', 'Assigned to you'), returned: t('差戻し', 'Sent back'), reminder: t('催促', 'Reminder'),
  applicant_message: t('申請者から', 'From the applicant'), applicant_overdue: t('回答期限切れ', 'Reply overdue'),
});

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
  if (!data) return html`<p class="loading">${t('読み込み中…', 'Loading…')}</p>`;
  const items = [...data.items].sort((a, b) => (a.read - b.read) || (b.createdAt < a.createdAt ? -1 : 1));
  return html`<section aria-labelledby="inbox-title">
    <div class="section-head">
      <h2 id="inbox-title">${t('お知らせ', 'Notifications')} <span class="count">${t(`（未読 ${fmtNum(data.unread)} 件）`, `(${fmtNum(data.unread)} unread)`)}</span></h2>
      ${Number(data.unread) > 0 ? html`<button type="button" onClick=${() => read(null)}>${t('すべて既読にする', 'Mark all as read')}</button>` : null}
    </div>
    ${items.length === 0 ? html`<p>${t('お知らせはありません。', 'There are no notifications.')}</p>` : html`
    <table class="dense inbox-table">
      <caption class="sr">${t('お知らせの一覧（未読が先）', 'Notifications (unread first)')}</caption>
      <thead><tr><th scope="col">${t('状態', 'State')}</th><th scope="col">${t('件名', 'Subject')}</th><th scope="col">${t('アプリ', 'App')}</th><th scope="col">${t('種類', 'Kind')}</th><th scope="col">${t('日時', 'Date')}</th></tr></thead>
      <tbody>${items.map((it) => html`<tr class=${it.read ? 'read' : 'unread'} key=${it.id}>
        <td>${it.read ? t('既読', 'Read') : html`<span class="chip unread-chip">${t('未読', 'Unread')}</span>`}</td>
        <td><a href=${`#/apps/${it.app}/records/${it.record}`} onClick=${() => !it.read && read([it.id])}>${it.title}</a></td>
        <td>${it.appName || it.app}</td>
        <td>${kinds()[it.kind] || it.kind}</td>
        <td><time datetime=${it.createdAt}>${fmtDateTime(it.createdAt)}</time></td>
      </tr>`)}</tbody>
    </table>`}
  </section>`;
}

function Assigned() {
  const [data, setData] = useState(null);
  const [err, setErr] = useState('');
  useEffect(() => { api('GET', '/api/assigned.json').then(setData, (e) => setErr(e.message)); }, []);
  if (err) return html`<p class="error" role="alert">${err}</p>`;
  if (!data) return html`<p class="loading">${t('読み込み中…', 'Loading…')}</p>`;
  const n = `${fmtNum(data.records.length)}${data.more ? '+' : ''}`;
  return html`<section aria-labelledby="assigned-title">
    <h2 id="assigned-title">${t('担当している案件', 'Assigned to me')} <span class="count">${t(`（${n} 件、古い順）`, `(${n}, oldest first)`)}</span></h2>
    ${data.records.length === 0 ? html`<p>${t('担当している案件はありません。', 'Nothing is assigned to you.')}</p>` : html`
    <table class="dense assigned-table">
      <caption class="sr">${t('担当している案件（ステータスが変わった日時の古い順）', 'Assigned to me (oldest status change first)')}</caption>
      <thead><tr><th scope="col">${t('アプリ', 'App')}</th><th scope="col">${t('レコード', 'Record')}</th><th scope="col">${t('ステータス', 'Status')}</th><th scope="col">${t('ステータス変更', 'Status changed')}</th><th scope="col">${t('処理期限', 'Due')}</th></tr></thead>
      <tbody>${data.records.map((r) => html`<tr key=${`${r.app}-${r.record}`} class=${r.overdue ? 'overdue' : null}>
        <td>${r.appName}</td>
        <td><a href=${`#/apps/${r.app}/records/${r.record}`}>${r.appName} ${r.record}</a></td>
        <td>${r.status || '—'}</td>
        <td><time datetime=${r.statusAt}>${fmtDateTime(r.statusAt)}</time></td>
        <td>${r.due ? html`<time datetime=${r.due}>${fmtDate(r.due)}</time>` : '—'}
          ${r.overdue ? html` <span class="chip overdue-chip">${t('期限超過', 'Overdue')}</span>` : null}
          ${r.clock === 'paused' ? html` <span class="chip">${t('停止中', 'Paused')}</span>` : null}</td>
      </tr>`)}</tbody>
    </table>`}
  </section>`;
}

export default function Inbox() {
  useStyle('/assets/css/staff/inbox.css');
  const title = t('受信箱', 'Inbox');
  useEffect(() => { document.title = `${title} — ${t('窓口', 'Madoguchi')}`; }, [title]);
  // the work first: what waits for me, oldest first; then what happened
  return html`<h1>${title}</h1><${Assigned} /><${Notifications} />`;
}
