// Issued documents of a record: the list, issuing from a template (record/print.json), the PDF,
// delivery to the applicant's portal on and off, and revoking with a reason.
import { html, useState, useEffect } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { Dialog, ErrorBox, fmtTime, uid } from './ui.js';
import { t } from '../../lib/i18n.js';

export function Documents({ app, id }) {
  const [docs, setDocs] = useState([]);
  const [tpls, setTpls] = useState([]);
  const [tpl, setTpl] = useState('');
  const [err, setErr] = useState(null);
  const [msg, setMsg] = useState('');
  const [revoke, setRevoke] = useState(null);
  const load = () => api('GET', '/k/v1/record/documents.json', { app, record: id }).then((r) => setDocs(r.documents || []), setErr);
  useEffect(() => {
    load();
    api('GET', '/k/v1/app/templates.json', { app }).then((r) => { setTpls(r.templates || []); setTpl(r.templates?.[0]?.code || ''); }, () => {});
  }, [app, id]);
  const act = async (fn, done) => {
    setErr(null); setMsg('');
    try { await fn(); setMsg(done); load(); } catch (x) { setErr(x); }
  };
  const p = uid('docs');
  return html`<section aria-labelledby=${`${p}-h`}><h3 id=${`${p}-h`}>${t('発行文書', 'Issued documents')}</h3>
    ${tpls.length ? html`<form class="rec-row" onSubmit=${(e) => { e.preventDefault(); act(() => api('POST', '/k/v1/record/print.json', { app, record: id, template: tpl }), t('文書を作成しました。', 'The document was created.')); }}>
      <label for=${`${p}-tpl`}>${t('帳票テンプレート', 'Template')}</label>
      <select id=${`${p}-tpl`} value=${tpl} onChange=${(e) => setTpl(e.target.value)}>${tpls.map((x) => html`<option value=${x.code}>${x.name}</option>`)}</select>
      <button type="submit" class="rec-primary">${t('文書を作成', 'Create document')}</button></form>` : html`<p class="rec-muted">${t('この業務には帳票テンプレートがありません。', 'This procedure has no document templates.')}</p>`}
    <${ErrorBox} error=${err} />${msg ? html`<p role="status">${msg}</p>` : ''}
    ${docs.length ? html`<table class="rec-table"><caption class="sr-only">${t('発行文書の一覧', 'Issued documents')}</caption>
      <thead><tr><th scope="col">${t('文書名', 'Document')}</th><th scope="col">${t('作成', 'Created')}</th><th scope="col">${t('状態', 'State')}</th><th scope="col">${t('操作', 'Actions')}</th></tr></thead>
      <tbody>${docs.map((d) => html`<tr>
        <td><a href=${`/k/v1/file.json?fileKey=${encodeURIComponent(d.fileKey)}`} target="_blank" rel="noopener">${d.title}${t('（PDF）', ' (PDF)')}</a>
          ${d.verifyCode ? html`<br /><span class="rec-meta">${t('照合番号', 'Verification code')} ${d.verifyCode}</span>` : ''}</td>
        <td>${fmtTime(d.createdAt)}</td>
        <td>${d.revokedAt ? html`<span class="chip chip-danger">${t('取消済み', 'Revoked')}</span>` : d.delivered ? html`<span class="chip chip-ok">${t('交付済み', 'Delivered')}</span>` : html`<span class="chip">${t('未交付', 'Not delivered')}</span>`}</td>
        <td>${d.revokedAt ? '' : html`
          <button type="button" class="rec-small" onClick=${() => act(() => api('PUT', '/k/v1/record/document/delivery.json', { app, record: id, id: d.id, deliver: !d.delivered }), d.delivered ? t('交付を取り消しました。', 'Delivery was withdrawn.') : t('交付しました。', 'Delivered.'))}>
            ${d.delivered ? t(`「${d.title}」の交付を取りやめる`, `Withdraw delivery of “${d.title}”`) : t(`「${d.title}」を交付する`, `Deliver “${d.title}”`)}</button>
          <button type="button" class="rec-small" onClick=${() => setRevoke(d)}>${t(`「${d.title}」を取り消す`, `Revoke “${d.title}”`)}</button>`}</td></tr>`)}</tbody></table>` : html`<p class="rec-muted">${t('発行した文書はありません。', 'No documents have been issued.')}</p>`}
    ${revoke ? html`<${RevokeDialog} d=${revoke} onClose=${() => setRevoke(null)}
      onRun=${(reason) => act(() => api('POST', '/k/v1/record/document/revoke.json', { app, record: id, id: revoke.id, reason }).then(() => setRevoke(null)), t('文書を取り消しました。', 'The document was revoked.'))} />` : ''}
  </section>`;
}

function RevokeDialog({ d, onRun, onClose }) {
  const [reason, setReason] = useState('');
  const rid = uid('revoke');
  return html`<${Dialog} title=${t(`「${d.title}」を取り消す`, `Revoke “${d.title}”`)} onClose=${onClose}>
    <form onSubmit=${(e) => { e.preventDefault(); onRun(reason); }}>
      <label for=${rid}>${t('取消しの理由（必須・職員のみ閲覧）', 'Reason (required, seen by staff only)')}</label>
      <textarea id=${rid} rows="3" required value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea>
      <div class="rec-buttons"><button type="submit" class="rec-danger">${t('取り消す', 'Revoke')}</button><button type="button" onClick=${onClose}>${t('キャンセル', 'Cancel')}</button></div>
    </form></${Dialog}>`;
}
