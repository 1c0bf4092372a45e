// The record screen (#/apps/{app}/records/{id}, and /new for a paper application 窓口申請):
// header (receipt number, status, assignees, legal clock), the fields in tabs from the form
// layout with view and edit modes, optimistic locking with a merge view on conflict, and the
// work panels: process, opinions and comments, the applicant thread, documents, history.
import { html, useState, useEffect, useMemo } from '../lib/html.js';
import { api } from '../lib/api.js';
import { go } from '../lib/router.js';
import { useStyle } from '../lib/style.js';
import { Tabs, TabPanel, ErrorBox } from './record/ui.js';
import { tabsOf, valuesOf, answersOf, evalRules, changedRecord, errorsByField, showValue, FieldInput, fieldOf,
  choicesFor, clearDependents, isSystem, same } from './record/fields.js';
import { Actions, Opinions, Comments } from './record/workflow.js';
import { Thread } from './record/thread.js';
import { Documents } from './record/documents.js';
import { History, show } from './record/history.js';

async function loadApp(app) {
  const [a, f, l, s] = await Promise.all([
    api('GET', '/k/v1/app.json', { id: app }),
    api('GET', '/k/v1/app/form/fields.json', { app }),
    api('GET', '/k/v1/app/form/layout.json', { app }),
    api('GET', '/k/v1/app/settings.json', { app }).catch(() => ({})),
  ]);
  return { name: a.name, props: f.properties, layout: l.layout, rules: s.recordRules || null };
}

/* A fresh screen per record: nothing of one record's edit state leaks into the next. */
export default function RecordRoute({ route }) {
  return html`<${RecordScreen} key=${`${route.params.app}/${route.params.id}`} route=${route} />`;
}

function RecordScreen({ route }) {
  useStyle('/assets/css/staff/record.css');
  const app = route.params.app, id = route.params.id;
  const isNew = id === 'new';
  const [def, setDef] = useState(null);
  const [record, setRecord] = useState(null);
  const [clock, setClock] = useState(null);
  const [acts, setActs] = useState(null);
  const [err, setErr] = useState(null);
  const [tick, setTick] = useState(0);
  const [note, setNote] = useState('');
  const [tab, setTab] = useState('__basic');
  const [work, setWork] = useState('process');
  const [mode, setMode] = useState(isNew ? 'edit' : 'view');
  const [draft, setDraft] = useState({});
  const [base, setBase] = useState({});
  const [rev, setRev] = useState(null);
  const [ferr, setFerr] = useState({});
  const [saveErr, setSaveErr] = useState(null);
  const [conflict, setConflict] = useState(null);
  const [busy, setBusy] = useState(false);
  const [users, setUsers] = useState(null);

  useEffect(() => { setDef(null); loadApp(app).then(setDef, setErr); }, [app]);
  useEffect(() => {
    if (mode === 'edit' && !users) api('GET', '/v1/users.json', { size: 100 }).then((r) => setUsers(r.users || []), () => setUsers([]));
  }, [mode]);
  useEffect(() => {
    if (isNew) { setRecord({}); setDraft({}); setBase({}); setMode('edit'); return; }
    api('GET', '/k/v1/record.json', { app, id }).then((r) => {
      setRecord(r.record);
      if (mode !== 'edit') { const v = valuesOf(r.record); setBase(v); setDraft(v); setRev(r.record.$revision.value); }
    }, setErr);
    api('GET', '/k/v1/records/clock.json', { app, ids: [id] }).then((r) => setClock(r.clocks?.[0] || null), () => setClock(null));
    api('GET', '/k/v1/record/actions.json', { app, id }).then((r) => setActs(r.actions || []), () => setActs([]));
  }, [app, id, tick]);

  const props = def?.props || {};
  const values = mode === 'edit' ? draft : valuesOf(record);
  const answers = useMemo(() => answersOf(values, props), [values, def]);
  const statusF = fieldOf(props, 'STATUS');
  const status = statusF ? record?.[statusF.code]?.value : null;
  const rules = useMemo(() => evalRules(def?.rules, answers, status), [def, answers, status]);
  const tabs = useMemo(() => (def ? tabsOf(def.layout, props) : []), [def]);

  if (err) return html`<${ErrorBox} error=${err} />`;
  if (!def || !record) return html`<p class="loading">読み込み中…</p>`;

  const refresh = (msg) => { setNote(msg || ''); setTick(tick + 1); };
  const receiptF = Object.values(props).find((p) => p.type === 'SINGLE_LINE_TEXT' && /受付番号|収受番号|受理番号/.test(`${p.code}${p.label}`));
  const receipt = (receiptF && record[receiptF.code]?.value) || (isNew ? '新規' : `No.${record.$id?.value}`);
  const assigneeF = fieldOf(props, 'STATUS_ASSIGNEE');
  const assignees = assigneeF ? record[assigneeF.code]?.value || [] : [];

  const setField = (code, v) => {
    let next = { ...draft, [code]: v };
    if (def.rules?.choices) next = clearDependents(def.rules, next, props);
    setDraft(next);
  };
  const startEdit = () => { const v = valuesOf(record); setBase(v); setDraft(v); setRev(record.$revision.value); setFerr({}); setSaveErr(null); setMode('edit'); };
  const cancel = () => { if (isNew) { go(`/apps/${app}`); return; } setMode('view'); setConflict(null); setFerr({}); setSaveErr(null); };
  const visibleChanged = () => {
    const ch = changedRecord(props, base, draft);
    for (const c of rules.hidden) delete ch[c];
    for (const c of rules.readOnly) delete ch[c];
    return ch;
  };
  const save = async (e) => {
    e?.preventDefault();
    setBusy(true); setSaveErr(null); setFerr({});
    try {
      const missing = [...rules.required].filter((c) => !rules.hidden.has(c) && (draft[c] === undefined || draft[c] === '' || (Array.isArray(draft[c]) && !draft[c].length)));
      if (missing.length) {
        setFerr(Object.fromEntries(missing.map((c) => [c, ['入力してください。']])));
        throw Object.assign(new Error('必須の項目が入力されていません。'), { local: true });
      }
      if (isNew) {
        const r = await api('POST', '/k/v1/record.json', { app, record: visibleChanged() });
        go(`/apps/${app}/records/${r.id}`);
        return;
      }
      await api('PUT', '/k/v1/record.json', { app, id, record: visibleChanged(), revision: rev });
      setMode('view'); setConflict(null);
      refresh('保存しました。');
    } catch (x) {
      if (x.status === 409 && x.code === 'GAIA_CO02') await openConflict();
      else { setSaveErr(x); if (x.errors) setFerr(errorsByField(x.errors)); }
    } finally { setBusy(false); }
  };
  const openConflict = async () => {
    try {
      const [cur, hist] = await Promise.all([
        api('GET', '/k/v1/record.json', { app, id }),
        api('GET', '/k/v1/record/history.json', { app, id, order: 'asc', limit: 100 }),
      ]);
      const theirs = valuesOf(cur.record);
      const since = (hist.history || []).filter((h) => Number(h.revision) > Number(rev));
      const mine = changedRecord(props, base, draft);
      const rows = Object.keys(mine).map((code) => ({ code, mine: draft[code], theirs: theirs[code], touched: !same(theirs[code], base[code]), take: 'mine' }));
      setConflict({ cur: cur.record, theirs, since, rows });
    } catch (x) { setSaveErr(x); }
  };
  const resolve = async () => {
    const next = { ...conflict.theirs };
    for (const r of conflict.rows) if (r.take === 'mine') next[r.code] = r.mine;
    setRecord(conflict.cur);
    setBase(conflict.theirs); setDraft(next); setRev(conflict.cur.$revision.value);
    setConflict(null);
    setNote('最新の内容に合わせました。内容を確認して、もう一度保存してください。');
  };

  const fieldBlock = (code) => {
    const p = props[code];
    if (!p || rules.hidden.has(code) || ['LABEL', 'SPACER', 'HR'].includes(p.type)) return null;
    const fid = `rec-f-${code}`;
    const ro = mode !== 'edit' || isSystem(p.type) || p.type === 'CALC' || rules.readOnly.has(code);
    const req = rules.required.has(code) || p.required;
    const errs = ferr[code];
    const choices = mode === 'edit' ? choicesFor(def.rules, code, answers) : null;
    return html`<div class=${`rec-field${errs ? ' rec-invalid' : ''}`} key=${code}>
      ${ro ? html`<span class="rec-label" id=${`${fid}-label`}>${p.label}</span>`
        : html`<label class="rec-label" id=${`${fid}-label`} for=${fid}>${p.label}${req ? html`<span class="rec-req">（必須）</span>` : ''}</label>`}
      <div class="rec-value">${ro ? showValue(p, values[code]) : html`<${FieldInput} p=${p} id=${fid} value=${draft[code]} required=${req}
        choices=${choices} describedBy=${errs ? `${fid}-err` : null} onChange=${(v) => setField(code, v)} />`}
      ${errs ? html`<p class="rec-error" id=${`${fid}-err`}>${errs.join(' ')}</p>` : ''}</div></div>`;
  };

  const appName = def.name;
  const work_tabs = isNew ? [] : [
    { key: 'process', label: '処理・意見・コメント' }, { key: 'thread', label: '申請者とのやりとり' },
    { key: 'docs', label: '発行文書' }, { key: 'history', label: '変更履歴' }];
  return html`<div class="rec">
    <header class="rec-head">
      <p class="rec-crumb"><a href=${`#/apps/${app}`}>${appName}</a></p>
      <h1>${isNew ? `${appName}：窓口申請の入力` : html`<span class="rec-receipt">${receipt}</span> <span class="rec-appname">${appName}</span>`}</h1>
      ${!isNew ? html`<dl class="rec-facts">
        <div><dt>ステータス</dt><dd>${status ? html`<span class="chip">${status}</span>` : '—'}</dd></div>
        <div><dt>担当者</dt><dd>${assignees.length ? assignees.map((a) => a.name || a.code).join('、') : '—'}</dd></div>
        <div><dt>処理期限</dt><dd>${clock && clock.state ? html`${clock.due}${clock.overdue ? html` <span class="chip chip-danger">期限超過</span>`
          : clock.state === 'paused' ? html` <span class="chip">停止中</span>` : clock.state === 'stopped' ? '' : `（残り${clock.daysLeft}日）`}` : '—'}</dd></div>
      </dl>` : ''}
    </header>
    ${note ? html`<p class="rec-note" role="status">${note}</p>` : ''}
    ${conflict ? html`<${Merge} c=${conflict} props=${props} onChange=${(rows) => setConflict({ ...conflict, rows })} onApply=${resolve} />` : ''}
    <form class="rec-main" onSubmit=${save} novalidate>
      <div class="rec-toolbar">
        ${mode === 'view' ? html`<button type="button" key="edit" class="rec-primary" onClick=${(e) => { e.preventDefault(); startEdit(); }}>編集する</button>`
          : html`<button type="submit" key="save" class="rec-primary" disabled=${busy || !!conflict}>${isNew ? '登録する' : '保存する'}</button>
            <button type="button" key="cancel" onClick=${cancel}>キャンセル</button>`}
      </div>
      <${ErrorBox} error=${saveErr} />
      ${mode === 'edit' && users ? html`<datalist id="rec-users">${users.map((u) => html`<option value=${u.code}>${u.name}</option>`)}</datalist>` : ''}
      <${Tabs} id="rec-ftab" label="入力項目のまとまり" tabs=${tabs} current=${tab} onSelect=${setTab} />
      ${tabs.map((t, i) => (t.key === tab ? html`<${TabPanel} id="rec-ftab" index=${i}>
        <div class="rec-fields">${t.codes.map(fieldBlock)}</div></${TabPanel}>` : ''))}
    </form>
    ${!isNew ? html`<section class="rec-work" aria-label="作業">
      <${Tabs} id="rec-wtab" label="作業" tabs=${work_tabs} current=${work} onSelect=${setWork} />
      ${work_tabs.map((t, i) => (t.key === work ? html`<${TabPanel} id="rec-wtab" index=${i}>
        ${work === 'process' ? html`<h3 class="sr-only">処理</h3>
          <${Actions} app=${app} id=${id} revision=${record.$revision.value} actions=${acts} onDone=${refresh} />
          <${Opinions} app=${app} id=${id} reload=${tick} /><${Comments} app=${app} id=${id} />` : ''}
        ${work === 'thread' ? html`<${Thread} app=${app} id=${id} props=${props} actions=${acts} onDone=${refresh} />` : ''}
        ${work === 'docs' ? html`<${Documents} app=${app} id=${id} />` : ''}
        ${work === 'history' ? html`<${History} app=${app} id=${id} revision=${record.$revision.value} reload=${tick} onDone=${refresh} />` : ''}
      </${TabPanel}>` : ''))}</section>` : ''}
  </div>`;
}

function Merge({ c, props, onChange, onApply }) {
  const set = (i, take) => onChange(c.rows.map((r, j) => (j === i ? { ...r, take } : r)));
  return html`<section class="rec-merge" role="region" aria-labelledby="rec-merge-h">
    <h2 id="rec-merge-h">ほかの人がこの記録を先に更新しました</h2>
    <p>あなたが編集を始めてから、次の変更がありました。項目ごとに、どちらの値を残すか選んでから「選んだ内容で続ける」を押してください。まだ保存されていません。</p>
    <ul>${c.since.map((h) => html`<li>版${h.revision}：${h.actor?.name || h.actor?.code}
      ${(h.changes || []).map((x) => `「${x.label}」`).join('')}${h.status ? `（${h.status.from} → ${h.status.to}）` : ''}</li>`)}</ul>
    <table class="rec-table"><caption class="sr-only">値の比較</caption>
      <thead><tr><th scope="col">項目</th><th scope="col">あなたの値（未保存）</th><th scope="col">最新の値</th><th scope="col">残す値</th></tr></thead>
      <tbody>${c.rows.map((r, i) => html`<tr class=${r.touched ? 'rec-clash' : ''}>
        <th scope="row">${props[r.code]?.label || r.code}${r.touched ? html`<br /><span class="chip chip-warn">両方で変更</span>` : ''}</th>
        <td>${show(r.mine)}</td><td>${show(r.theirs)}</td>
        <td><fieldset class="rec-pick"><legend class="sr-only">${props[r.code]?.label}：残す値</legend>
          <label><input type="radio" name=${`merge-${i}`} checked=${r.take === 'mine'} onChange=${() => set(i, 'mine')} /> 自分の値を残す</label>
          <label><input type="radio" name=${`merge-${i}`} checked=${r.take === 'theirs'} onChange=${() => set(i, 'theirs')} /> 最新の値を採用</label></fieldset></td></tr>`)}</tbody></table>
    <button type="button" class="rec-primary" onClick=${onApply}>選んだ内容で続ける</button></section>`;
}
