// The thread with the online applicant: messages, and a message, correction request (fields
// to unlock, due date) or missing-document request (document names, due date) to send,
// optionally with a process action (修正依頼) run in the same transaction.
import { html, useState, useEffect } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { ErrorBox, fmtTime, today, uid } from './ui.js';

const KINDS = { message: 'メッセージ', correction: '修正依頼', missing: '不足書類の依頼' };

export function Thread({ app, id, props, actions, onDone }) {
  const [data, setData] = useState(null);
  const [err, setErr] = useState(null);
  const [kind, setKind] = useState('message');
  const [body, setBody] = useState('');
  const [due, setDue] = useState('');
  const [fields, setFields] = useState([]);
  const [docs, setDocs] = useState('');
  const [action, setAction] = useState('');
  const [sent, setSent] = useState('');
  const load = () => api('GET', '/k/v1/record/messages.json', { app, record: id }).then(setData, setErr);
  useEffect(() => { load(); }, [app, id]);
  const send = async (e) => {
    e.preventDefault();
    setErr(null); setSent('');
    const body2 = { app, record: id, kind, body };
    if (kind !== 'message') body2.dueDate = due;
    if (kind === 'correction') body2.fields = fields;
    if (kind === 'missing') body2.documents = docs.split('\n').map((s) => s.trim()).filter(Boolean);
    if (action) body2.action = action;
    try {
      await api('POST', '/k/v1/record/message.json', body2);
      setBody(''); setFields([]); setDocs(''); setDue(''); setAction('');
      setSent('送信しました。');
      load();
      if (action) onDone('送信し、処理を実行しました。');
    } catch (x) { setErr(x); }
  };
  const p = uid('thread');
  const editable = Object.values(props).filter((f) => !['FILE', 'SUBTABLE', 'CALC', 'RECORD_NUMBER', '__ID__', '__REVISION__', 'CREATOR', 'CREATED_TIME', 'MODIFIER', 'UPDATED_TIME', 'STATUS', 'STATUS_ASSIGNEE', 'CATEGORY', 'GROUP', 'LABEL', 'SPACER', 'HR', 'REFERENCE_TABLE'].includes(f.type));
  if (data && data.online === false) return html`<p class="rec-muted">窓口（紙）で受け付けた申請のため、申請者とのやりとりはありません。</p>`;
  return html`<section aria-labelledby=${`${p}-h`}><h3 id=${`${p}-h`}>申請者とのやりとり</h3>
    <${ErrorBox} error=${!data ? err : null} />
    <ol class="rec-list">${(data?.messages || []).map((m) => html`<li class=${m.sender === 'ward' ? 'rec-ward' : 'rec-applicant'}>
      <span class="rec-meta">${m.sender === 'ward' ? '区' : '申請者'}・${KINDS[m.kind] || m.kind}・${fmtTime(m.createdAt)}${m.dueDate ? `・期限 ${m.dueDate}` : ''}${m.answeredAt ? '・回答済み' : ''}</span>
      <p class="rec-multiline">${m.body}</p>
      ${m.fields?.length ? html`<p>修正できる項目：${m.fields.map((f) => f.label).join('、')}</p>` : ''}
      ${m.documents?.length ? html`<p>依頼した書類：${m.documents.join('、')}</p>` : ''}
      ${m.changes?.length ? html`<ul>${m.changes.map((c) => html`<li>${c.label}：${String(c.from ?? '')} → ${String(c.to ?? '')}</li>`)}</ul>` : ''}
      ${m.files?.length ? html`<ul>${m.files.map((f) => html`<li><a href=${`/k/v1/file.json?fileKey=${encodeURIComponent(f.fileKey)}`}>${f.name}</a></li>`)}</ul>` : ''}
    </li>`)}</ol>
    <form class="rec-form" onSubmit=${send}>
      <fieldset><legend>送る内容</legend>
        ${Object.entries(KINDS).map(([k, l]) => html`<label class="rec-inline"><input type="radio" name=${`${p}-kind`} checked=${kind === k} onChange=${() => setKind(k)} /> ${l}</label>`)}
      </fieldset>
      <label for=${`${p}-body`}>本文（必須）</label>
      <textarea id=${`${p}-body`} rows="4" required value=${body} onInput=${(e) => setBody(e.target.value)}></textarea>
      ${kind !== 'message' ? html`<label for=${`${p}-due`}>回答期限（必須）</label>
        <input id=${`${p}-due`} type="date" required min=${today()} value=${due} onInput=${(e) => setDue(e.target.value)} />` : ''}
      ${kind === 'correction' ? html`<fieldset><legend>申請者が修正できる項目</legend>
        ${editable.map((f) => html`<label class="rec-inline"><input type="checkbox" checked=${fields.includes(f.code)}
          onChange=${(e) => setFields(e.target.checked ? [...fields, f.code] : fields.filter((x) => x !== f.code))} /> ${f.label}</label>`)}</fieldset>` : ''}
      ${kind === 'missing' ? html`<label for=${`${p}-docs`}>依頼する書類（1行に1つ）</label>
        <textarea id=${`${p}-docs`} rows="3" required value=${docs} onInput=${(e) => setDocs(e.target.value)}></textarea>` : ''}
      ${actions?.length ? html`<label for=${`${p}-act`}>あわせて実行する処理</label>
        <select id=${`${p}-act`} value=${action} onChange=${(e) => setAction(e.target.value)}>
          <option value="">（実行しない）</option>${actions.map((a) => html`<option value=${a.name}>${a.name}</option>`)}</select>` : ''}
      <${ErrorBox} error=${data ? err : null} />
      ${sent ? html`<p role="status">${sent}</p>` : ''}
      <button type="submit" class="rec-primary">申請者に送信</button>
    </form></section>`;
}
