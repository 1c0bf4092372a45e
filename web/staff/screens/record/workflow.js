// The process part of a record: the actions I may run now (reason dialog, assignee choice for ONE
// steps), opinions (意見) and comments with @mentions.
import { html, useState, useEffect } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { Dialog, ErrorBox, fmtTime, uid } from './ui.js';

export function Actions({ app, id, revision, actions, onDone }) {
  const [open, setOpen] = useState(null);
  const [err, setErr] = useState(null);
  const run = async (a, reason, assignee) => {
    setErr(null);
    try {
      await api('PUT', '/k/v1/record/status.json', { app, id, action: a.name, revision, reason: reason || undefined, assignee: assignee || undefined });
      setOpen(null);
      onDone(`「${a.name}」を実行しました。`);
    } catch (x) { setErr(x); }
  };
  const click = (a) => {
    const needs = (a.reason && a.reason !== 'NONE') || (a.assigneeCandidates && a.assigneeCandidates.length > 1);
    if (needs) { setErr(null); setOpen(a); } else run(a);
  };
  if (!actions?.length) return html`<p class="rec-muted">実行できる処理はありません。</p>`;
  return html`<div class="rec-actions">
    ${actions.map((a) => html`<button type="button" class="rec-primary" onClick=${() => click(a)}>${a.name}</button>`)}
    ${!open ? html`<${ErrorBox} error=${err} />` : ''}
    ${open ? html`<${ActionDialog} a=${open} err=${err} onRun=${run} onClose=${() => setOpen(null)} />` : ''}
  </div>`;
}

function ActionDialog({ a, err, onRun, onClose }) {
  const [reason, setReason] = useState('');
  const [assignee, setAssignee] = useState('');
  const rid = uid('reason'), aid = uid('assignee');
  const cands = a.assigneeCandidates || [];
  const submit = (e) => { e.preventDefault(); onRun(a, reason, assignee); };
  return html`<${Dialog} title=${`${a.name}（${a.to}へ）`} onClose=${onClose}>
    <form onSubmit=${submit}>
      ${a.reason && a.reason !== 'NONE' ? html`<label for=${rid}>理由${a.reason === 'REQUIRED' ? '（必須）' : '（任意）'}</label>
        <textarea id=${rid} rows="4" required=${a.reason === 'REQUIRED'} value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea>` : ''}
      ${cands.length > 1 ? html`<label for=${aid}>次の担当者</label>
        <select id=${aid} required value=${assignee} onChange=${(e) => setAssignee(e.target.value)}>
          <option value="">（選択してください）</option>
          ${cands.map((c) => html`<option value=${c.code || c}>${c.name || c.code || c}</option>`)}</select>` : ''}
      <${ErrorBox} error=${err} />
      <div class="rec-buttons"><button type="submit" class="rec-primary">実行する</button>
        <button type="button" onClick=${onClose}>キャンセル</button></div>
    </form></${Dialog}>`;
}

export function Opinions({ app, id, reload }) {
  const [list, setList] = useState([]);
  const [text, setText] = useState('');
  const [err, setErr] = useState(null);
  const load = () => api('GET', '/k/v1/record/opinions.json', { app, record: id }).then((r) => setList(r.opinions || []), setErr);
  useEffect(() => { load(); }, [app, id, reload]);
  const add = async (e) => {
    e.preventDefault();
    setErr(null);
    try { await api('POST', '/k/v1/record/opinion.json', { app, record: id, opinion: { text } }); setText(''); load(); } catch (x) { setErr(x); }
  };
  const tid = uid('opinion');
  return html`<section aria-labelledby=${`${tid}-h`}><h3 id=${`${tid}-h`}>意見</h3>
    <ul class="rec-list">${list.map((o) => html`<li><span class="rec-meta">${o.creator?.name}・${o.status}・${fmtTime(o.createdAt)}</span><p class="rec-multiline">${o.text}</p></li>`)}</ul>
    <form onSubmit=${add}><label for=${tid}>意見を書く</label>
      <textarea id=${tid} rows="3" value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
      <${ErrorBox} error=${err} /><button type="submit" disabled=${!text.trim()}>意見を追加</button></form></section>`;
}

export function Comments({ app, id }) {
  const [list, setList] = useState([]);
  const [text, setText] = useState('');
  const [users, setUsers] = useState([]);
  const [err, setErr] = useState(null);
  const load = () => api('GET', '/k/v1/record/comments.json', { app, record: id, order: 'desc', limit: 10 }).then((r) => setList(r.comments || []), setErr);
  useEffect(() => { load(); api('GET', '/v1/users.json', { size: 100 }).then((r) => setUsers(r.users || []), () => {}); }, [app, id]);
  const m = /@([\w.\-]*)$/.exec(text);
  const sugg = m ? users.filter((u) => u.code.startsWith(m[1]) || (u.name || '').includes(m[1])).slice(0, 6) : [];
  const pick = (u) => setText(text.replace(/@([\w.\-]*)$/, `@${u.code} `));
  const add = async (e) => {
    e.preventDefault();
    setErr(null);
    const codes = [...new Set([...text.matchAll(/@([\w.\-]+)/g)].map((x) => x[1]))].filter((c) => users.some((u) => u.code === c));
    try {
      await api('POST', '/k/v1/record/comment.json', { app, record: id, comment: { text, mentions: codes.map((code) => ({ code, type: 'USER' })) } });
      setText(''); load();
    } catch (x) { setErr(x); }
  };
  const tid = uid('comment');
  return html`<section aria-labelledby=${`${tid}-h`}><h3 id=${`${tid}-h`}>コメント</h3>
    <form onSubmit=${add}><label for=${tid}>コメントを書く（@ログイン名で通知）</label>
      <textarea id=${tid} rows="3" value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
      ${sugg.length ? html`<ul class="rec-suggest" aria-label="宛先の候補">${sugg.map((u) => html`<li><button type="button" class="rec-small" onClick=${() => pick(u)}>@${u.code} ${u.name}</button></li>`)}</ul>` : ''}
      <${ErrorBox} error=${err} /><button type="submit" disabled=${!text.trim()}>コメントを投稿</button></form>
    <ul class="rec-list">${list.map((c) => html`<li><span class="rec-meta">${c.creator?.name || c.creator?.code}・${fmtTime(c.createdAt)}</span><p class="rec-multiline">${c.text}</p></li>`)}</ul></section>`;
}
