// The record's history: every revision with who, when, the action and reason, status changes
// and field-by-field differences; 「この版に戻す」 writes that revision's values again
// (record/revert.json with expectedRevision) after a confirmation.
import { html, useState, useEffect } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { Dialog, ErrorBox, fmtTime } from './ui.js';

const ACTIONS = { create: '作成', update: '更新', delete: '削除', restore: '復元', revert: '版の復元', action: '処理', status: 'ステータス', assignees: '担当者' };

export const show = (v) => {
  if (v === null || v === undefined || v === '') return '（空）';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? x.name || x.code || '' : x)).join('、') || '（空）';
  if (typeof v === 'object') return v.name || v.code || JSON.stringify(v);
  return String(v);
};

export function changeText(c) {
  if (c.rows) return `行 追加${c.rows.added?.length || 0}・削除${c.rows.removed?.length || 0}・変更${c.rows.changed?.length || 0}`;
  if (c.files) return `追加: ${c.files.added.join('、') || 'なし'} / 削除: ${c.files.removed.join('、') || 'なし'}`;
  return null;
}

export function History({ app, id, revision, reload, onDone }) {
  const [list, setList] = useState([]);
  const [err, setErr] = useState(null);
  const [confirm, setConfirm] = useState(null);
  useEffect(() => { api('GET', '/k/v1/record/history.json', { app, id, order: 'desc', limit: 100 }).then((r) => setList(r.history || []), setErr); }, [app, id, reload]);
  const revert = async () => {
    setErr(null);
    try {
      await api('POST', '/k/v1/record/revert.json', { app, id, revision: confirm, expectedRevision: revision });
      setConfirm(null);
      onDone(`版${confirm}に戻しました。`);
    } catch (x) { setConfirm(null); setErr(x); }
  };
  return html`<section aria-labelledby="rec-hist-h"><h3 id="rec-hist-h">変更履歴</h3><${ErrorBox} error=${err} />
    <ol class="rec-list">${list.map((h) => html`<li>
      <span class="rec-meta">版${h.revision}・${ACTIONS[h.action] || h.action}${h.detail?.action ? `「${h.detail.action}」` : ''}・${h.actor?.name || h.actor?.code}・${fmtTime(h.at)}</span>
      ${h.reason ? html`<p>理由：${h.reason}</p>` : ''}
      ${h.status ? html`<p>ステータス：${h.status.from || '（なし）'} → ${h.status.to}</p>` : ''}
      ${h.changes?.length ? html`<table class="rec-table rec-diff"><caption class="sr-only">版${h.revision}の変更</caption>
        <thead><tr><th scope="col">項目</th><th scope="col">変更前</th><th scope="col">変更後</th></tr></thead>
        <tbody>${h.changes.map((c) => html`<tr><th scope="row">${c.label}</th>
          ${changeText(c) ? html`<td colspan="2">${changeText(c)}</td>` : html`<td><del>${show(c.before)}</del></td><td><ins>${show(c.after)}</ins></td>`}</tr>`)}</tbody></table>` : ''}
      ${String(h.revision) !== String(revision) && ['create', 'update', 'revert'].includes(h.action)
        ? html`<button type="button" class="rec-small" onClick=${() => setConfirm(h.revision)}>この版に戻す（版${h.revision}）</button>` : ''}
    </li>`)}</ol>
    ${confirm ? html`<${Dialog} title=${`版${confirm}に戻しますか`} onClose=${() => setConfirm(null)}>
      <p>版${confirm}の入力内容を新しい版として書き込みます。ステータスと担当者は変わりません。</p>
      <div class="rec-buttons"><button type="button" class="rec-primary" onClick=${revert}>戻す</button>
        <button type="button" onClick=${() => setConfirm(null)}>キャンセル</button></div></${Dialog}>` : ''}
  </section>`;
}
