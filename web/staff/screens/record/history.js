// The record's history: every revision with who, when, the action and reason, status changes
// and field-by-field differences; 「この版に戻す」 writes that revision's values again
// (record/revert.json with expectedRevision) after a confirmation.
import { html, useState, useEffect } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { Dialog, ErrorBox, fmtTime } from './ui.js';
import { t } from '../../lib/i18n.js';

const ACTIONS = () => ({
  create: t('作成', 'Created'), update: t('更新', 'Updated'), delete: t('削除', 'Deleted'), restore: t('復元', 'Restored'),
  revert: t('版の復元', 'Version restored'), action: t('処理', 'Action'), status: t('ステータス', 'Status'), assignees: t('担当者', 'Assignees'),
});

export const show = (v) => {
  if (v === null || v === undefined || v === '') return t('（空）', '(empty)');
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? x.name || x.code || '' : x)).join(t('、', ', ')) || t('（空）', '(empty)');
  if (typeof v === 'object') return v.name || v.code || JSON.stringify(v);
  return String(v);
};

export function changeText(c) {
  const a = c.rows?.added?.length || 0, r = c.rows?.removed?.length || 0, ch = c.rows?.changed?.length || 0;
  if (c.rows) return t(`行 追加${a}・削除${r}・変更${ch}`, `Rows: ${a} added, ${r} deleted, ${ch} changed`);
  if (c.files) {
    return t(`追加: ${c.files.added.join('、') || 'なし'} / 削除: ${c.files.removed.join('、') || 'なし'}`,
      `Added: ${c.files.added.join(', ') || 'none'} / removed: ${c.files.removed.join(', ') || 'none'}`);
  }
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
      onDone(t(`版${confirm}に戻しました。`, `Restored version ${confirm}.`));
    } catch (x) { setConfirm(null); setErr(x); }
  };
  return html`<section aria-labelledby="rec-hist-h"><h3 id="rec-hist-h">${t('変更履歴', 'History')}</h3><${ErrorBox} error=${err} />
    <ol class="rec-list">${list.map((h) => html`<li>
      <span class="rec-meta">${t(`版${h.revision}`, `Version ${h.revision}`)}${t('・', ' · ')}${ACTIONS()[h.action] || h.action}${h.detail?.action ? t(`「${h.detail.action}」`, ` “${h.detail.action}”`) : ''}${t('・', ' · ')}${h.actor?.name || h.actor?.code}${t('・', ' · ')}${fmtTime(h.at)}</span>
      ${h.reason ? html`<p>${t('理由：', 'Reason: ')}${h.reason}</p>` : ''}
      ${h.status ? html`<p>${t('ステータス：', 'Status: ')}${h.status.from || t('（なし）', '(none)')} → ${h.status.to}</p>` : ''}
      ${h.changes?.length ? html`<table class="rec-table rec-diff"><caption class="sr-only">${t(`版${h.revision}の変更`, `Changes in version ${h.revision}`)}</caption>
        <thead><tr><th scope="col">${t('項目', 'Field')}</th><th scope="col">${t('変更前', 'Before')}</th><th scope="col">${t('変更後', 'After')}</th></tr></thead>
        <tbody>${h.changes.map((c) => html`<tr><th scope="row">${c.label}</th>
          ${changeText(c) ? html`<td colspan="2">${changeText(c)}</td>` : html`<td><del>${show(c.before)}</del></td><td><ins>${show(c.after)}</ins></td>`}</tr>`)}</tbody></table>` : ''}
      ${String(h.revision) !== String(revision) && ['create', 'update', 'revert'].includes(h.action)
        ? html`<button type="button" class="rec-small" onClick=${() => setConfirm(h.revision)}>${t(`この版に戻す（版${h.revision}）`, `Restore this version (${h.revision})`)}</button>` : ''}
    </li>`)}</ol>
    ${confirm ? html`<${Dialog} title=${t(`版${confirm}に戻しますか`, `Restore version ${confirm}?`)} onClose=${() => setConfirm(null)}>
      <p>${t(`版${confirm}の入力内容を新しい版として書き込みます。ステータスと担当者は変わりません。`, `The values of version ${confirm} are written as a new version. The status and assignees stay as they are.`)}</p>
      <div class="rec-buttons"><button type="button" class="rec-primary" onClick=${revert}>${t('戻す', 'Restore')}</button>
        <button type="button" onClick=${() => setConfirm(null)}>${t('キャンセル', 'Cancel')}</button></div></${Dialog}>` : ''}
  </section>`;
}
