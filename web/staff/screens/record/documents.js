// Issued documents of a record: the list, issuing from a template (record/print.json), the PDF,
// delivery to the applicant's portal on and off, and revoking with a reason.
import { html, useState, useEffect } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { Dialog, ErrorBox, fmtTime, uid } from './ui.js';

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
  return html`<section aria-labelledby=${`${p}-h`}><h3 id=${`${p}-h`}>発行文書</h3>
    ${tpls.length ? html`<form class="rec-row" onSubmit=${(e) => { e.preventDefault(); act(() => api('POST', '/k/v1/record/print.json', { app, record: id, template: tpl }), '文書を作成しました。'); }}>
      <label for=${`${p}-tpl`}>帳票テンプレート</label>
      <select id=${`${p}-tpl`} value=${tpl} onChange=${(e) => setTpl(e.target.value)}>${tpls.map((t) => html`<option value=${t.code}>${t.name}</option>`)}</select>
      <button type="submit" class="rec-primary">文書を作成</button></form>` : html`<p class="rec-muted">この業務には帳票テンプレートがありません。</p>`}
    <${ErrorBox} error=${err} />${msg ? html`<p role="status">${msg}</p>` : ''}
    ${docs.length ? html`<table class="rec-table"><caption class="sr-only">発行文書の一覧</caption>
      <thead><tr><th scope="col">文書名</th><th scope="col">作成</th><th scope="col">状態</th><th scope="col">操作</th></tr></thead>
      <tbody>${docs.map((d) => html`<tr>
        <td><a href=${`/k/v1/file.json?fileKey=${encodeURIComponent(d.fileKey)}`} target="_blank" rel="noopener">${d.title}（PDF）</a>
          ${d.verifyCode ? html`<br /><span class="rec-meta">照合番号 ${d.verifyCode}</span>` : ''}</td>
        <td>${fmtTime(d.createdAt)}</td>
        <td>${d.revokedAt ? html`<span class="chip chip-danger">取消済み</span>` : d.delivered ? html`<span class="chip chip-ok">交付済み</span>` : html`<span class="chip">未交付</span>`}</td>
        <td>${d.revokedAt ? '' : html`
          <button type="button" class="rec-small" onClick=${() => act(() => api('PUT', '/k/v1/record/document/delivery.json', { app, record: id, id: d.id, deliver: !d.delivered }), d.delivered ? '交付を取り消しました。' : '交付しました。')}>
            ${d.delivered ? `「${d.title}」の交付を取りやめる` : `「${d.title}」を交付する`}</button>
          <button type="button" class="rec-small" onClick=${() => setRevoke(d)}>「${d.title}」を取り消す</button>`}</td></tr>`)}</tbody></table>` : html`<p class="rec-muted">発行した文書はありません。</p>`}
    ${revoke ? html`<${RevokeDialog} d=${revoke} onClose=${() => setRevoke(null)}
      onRun=${(reason) => act(() => api('POST', '/k/v1/record/document/revoke.json', { app, record: id, id: revoke.id, reason }).then(() => setRevoke(null)), '文書を取り消しました。')} />` : ''}
  </section>`;
}

function RevokeDialog({ d, onRun, onClose }) {
  const [reason, setReason] = useState('');
  const rid = uid('revoke');
  return html`<${Dialog} title=${`「${d.title}」を取り消す`} onClose=${onClose}>
    <form onSubmit=${(e) => { e.preventDefault(); onRun(reason); }}>
      <label for=${rid}>取消しの理由（必須・職員のみ閲覧）</label>
      <textarea id=${rid} rows="3" required value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea>
      <div class="rec-buttons"><button type="submit" class="rec-danger">取り消す</button><button type="button" onClick=${onClose}>キャンセル</button></div>
    </form></${Dialog}>`;
}
