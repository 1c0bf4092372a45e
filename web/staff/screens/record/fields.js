// The record's fields: tabs from the form layout (GROUP → a tab, rows outside groups → 基本情報),
// each field shown and edited by its type, the app's record rules (settings.recordRules:
// show/hide, read-only, required by a condition of web/js/fcond.js and/or the status) and
// hierarchical choices (recordRules.choices: optionsTree + parent, as in the public forms).
import { html, useState } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { evalCondition, treeOptions } from '../../../js/fcond.js';
import { today } from './ui.js';

const SYSTEM = new Set(['RECORD_NUMBER', '__ID__', '__REVISION__', 'CREATOR', 'CREATED_TIME', 'MODIFIER',
  'UPDATED_TIME', 'STATUS', 'STATUS_ASSIGNEE', 'CATEGORY']);
const ENTITY = new Set(['USER_SELECT', 'ORGANIZATION_SELECT', 'GROUP_SELECT']);
const READONLY = new Set([...SYSTEM, 'CALC', 'REFERENCE_TABLE', 'LABEL', 'SPACER', 'HR', 'GROUP']);

export const isSystem = (t) => SYSTEM.has(t);
export const fieldOf = (props, type) => Object.values(props).find((p) => p.type === type);

/* Tabs: [{key, label, codes:[...]}] from layout.json; fields not in the layout go to 基本情報. */
export function tabsOf(layout, props) {
  const basic = { key: '__basic', label: '基本情報', codes: [] };
  const tabs = [basic];
  const seen = new Set();
  const rowCodes = (row) => (row.type === 'SUBTABLE' ? [row.code] : (row.fields || []).map((f) => f.code).filter(Boolean));
  for (const el of layout || []) {
    if (el.type === 'GROUP') {
      const codes = [];
      for (const row of el.layout || []) codes.push(...rowCodes(row));
      codes.forEach((c) => seen.add(c));
      seen.add(el.code);
      tabs.push({ key: el.code, label: props[el.code]?.label || el.code, codes });
    } else {
      const codes = rowCodes(el);
      codes.forEach((c) => seen.add(c));
      basic.codes.push(...codes);
    }
  }
  for (const p of Object.values(props)) {
    if (!seen.has(p.code) && !SYSTEM.has(p.type) && p.type !== 'GROUP' && !isInner(props, p.code)) basic.codes.push(p.code);
  }
  return tabs.filter((t) => t.codes.some((c) => props[c] && !READONLY_LAYOUT(props[c])) || t === basic);
}
const READONLY_LAYOUT = (p) => ['LABEL', 'SPACER', 'HR'].includes(p.type);
const isInner = (props, code) => Object.values(props).some((p) => p.type === 'SUBTABLE' && p.fields && p.fields[code]);

/* A record value as a condition answer: strings and string arrays; users by their codes. */
export function answersOf(values, props) {
  const a = {};
  for (const [code, v] of Object.entries(values || {})) {
    const t = props[code]?.type;
    if (typeof v === 'string') a[code] = v;
    else if (Array.isArray(v) && ENTITY.has(t)) a[code] = v.map((x) => x.code);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) a[code] = v;
  }
  return a;
}

/* {hidden:Set, readOnly:Set, required:Set} for the current values and status. */
export function evalRules(rr, answers, status) {
  const out = { hidden: new Set(), readOnly: new Set(), required: new Set() };
  const env = { today: today() };
  for (const r of (rr && Array.isArray(rr.rules)) ? rr.rules : []) {
    if (Array.isArray(r.statuses) && r.statuses.length && !r.statuses.includes(status)) continue;
    if (r.when && !evalCondition(r.when, answers, env)) continue;
    const set = { hide: out.hidden, readOnly: out.readOnly, required: out.required }[r.effect];
    if (set) for (const c of r.fields || []) set.add(c);
  }
  return out;
}

/* The record's values as {code: value}, without the system fields' wrappers. */
export function valuesOf(record) {
  const v = {};
  for (const [k, f] of Object.entries(record || {})) if (f && 'value' in f) v[k] = f.value;
  return v;
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
export { same };

/* The fields that differ from the base, as the body of PUT record.json. */
export function changedRecord(props, base, draft) {
  const out = {};
  for (const [code, v] of Object.entries(draft)) {
    const p = props[code];
    if (!p || READONLY.has(p.type) || same(v, base[code])) continue;
    out[code] = { value: wire(p, v) };
  }
  return out;
}

function wire(p, v) {
  if (ENTITY.has(p.type)) return (v || []).map((x) => ({ code: x.code }));
  if (p.type === 'FILE') return (v || []).map((x) => ({ fileKey: x.fileKey }));
  if (p.type === 'SUBTABLE') {
    return (v || []).map((row) => {
      const value = {};
      for (const [c, cell] of Object.entries(row.value || {})) {
        const ip = p.fields?.[c];
        if (ip && !READONLY.has(ip.type)) value[c] = { value: wire(ip, cell.value) };
      }
      return row.id ? { id: row.id, value } : { value };
    });
  }
  return v;
}

/* "record.氏名.value" / "record.明細.value[0].value.数量.value" → 氏名 / 明細. */
export function errorsByField(errors) {
  const out = {};
  for (const [k, e] of Object.entries(errors || {})) {
    const m = /^record\.([^.[]+)/.exec(k);
    const code = m ? m[1] : k;
    (out[code] ||= []).push(...(e.messages || []));
  }
  return out;
}

const optionList = (p) => Object.values(p.options || {}).sort((a, b) => Number(a.index) - Number(b.index)).map((o) => o.label);

export function showValue(p, v, users) {
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return html`<span class="rec-empty">（未入力）</span>`;
  switch (p.type) {
    case 'CHECK_BOX': case 'MULTI_SELECT': case 'CATEGORY':
      return html`<ul class="rec-chips">${v.map((x) => html`<li>${x}</li>`)}</ul>`;
    case 'USER_SELECT': case 'ORGANIZATION_SELECT': case 'GROUP_SELECT': case 'STATUS_ASSIGNEE':
      return v.map((x) => x.name || users?.[x.code] || x.code).join('、');
    case 'CREATOR': case 'MODIFIER':
      return v.name || v.code;
    case 'MULTI_LINE_TEXT':
      return html`<span class="rec-multiline">${v}</span>`;
    case 'RICH_TEXT':
      return new DOMParser().parseFromString(String(v), 'text/html').body.textContent;
    case 'NUMBER': case 'CALC':
      return `${p.unitPosition === 'BEFORE' ? p.unit || '' : ''}${v}${p.unitPosition !== 'BEFORE' ? p.unit || '' : ''}`;
    case 'CREATED_TIME': case 'UPDATED_TIME': case 'DATETIME':
      return new Date(v).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' });
    case 'FILE':
      return html`<ul class="rec-files">${v.map((f) => FileItem(f))}</ul>`;
    case 'SUBTABLE':
      return SubtableView(p, v, users);
    default:
      return String(v);
  }
}

function FileItem(f) {
  const href = `/k/v1/file.json?fileKey=${encodeURIComponent(f.fileKey)}`;
  const ct = f.contentType || '';
  const isImg = /^image\/(png|jpeg|gif|webp)$/.test(ct);
  const isPdf = ct === 'application/pdf' || /\.pdf$/i.test(f.name || '');
  return html`<li><a href=${href} download=${f.name}>${f.name}</a>
    ${isPdf ? html` <a href=${href} target="_blank" rel="noopener">PDFを新しいタブで開く</a>` : ''}
    ${isImg ? html`<div><img class="rec-thumb" src=${href} alt=${`添付画像 ${f.name}`} /></div>` : ''}</li>`;
}

function SubtableView(p, rows, users) {
  const cols = Object.values(p.fields || {});
  return html`<table class="rec-table"><caption class="sr-only">${p.label}</caption>
    <thead><tr>${cols.map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr>${cols.map((c) => html`<td>${showValue(c, r.value?.[c.code]?.value, users)}</td>`)}</tr>`)}</tbody></table>`;
}

/* One field's input; onChange(newValue). */
export function FieldInput({ p, id, value, onChange, required, users, choices, describedBy }) {
  const common = { id, 'aria-describedby': describedBy || null, 'aria-required': required ? 'true' : null };
  if (choices) {
    return html`<select ...${common} value=${value || ''} onChange=${(e) => onChange(e.target.value)}>
      <option value="">（選択してください）</option>
      ${choices.map((o) => html`<option value=${o} selected=${o === value}>${o}</option>`)}</select>`;
  }
  switch (p.type) {
    case 'MULTI_LINE_TEXT': case 'RICH_TEXT':
      return html`<textarea ...${common} rows="4" value=${value || ''} onInput=${(e) => onChange(e.target.value)}></textarea>`;
    case 'NUMBER':
      return html`<input ...${common} inputmode="decimal" value=${value || ''} onInput=${(e) => onChange(e.target.value)} />`;
    case 'DATE': case 'TIME':
      return html`<input ...${common} type=${p.type.toLowerCase()} value=${value || ''} onInput=${(e) => onChange(e.target.value)} />`;
    case 'DATETIME':
      return html`<input ...${common} type="datetime-local" value=${value ? toLocal(value) : ''} onInput=${(e) => onChange(e.target.value ? new Date(e.target.value).toISOString().replace(/\.\d+Z$/, 'Z') : '')} />`;
    case 'DROP_DOWN':
      return html`<select ...${common} onChange=${(e) => onChange(e.target.value)}>
        <option value="">（選択してください）</option>
        ${optionList(p).map((o) => html`<option value=${o} selected=${o === value}>${o}</option>`)}</select>`;
    case 'MULTI_SELECT':
      return html`<select ...${common} multiple onChange=${(e) => onChange([...e.target.selectedOptions].map((o) => o.value))}>
        ${optionList(p).map((o) => html`<option value=${o} selected=${(value || []).includes(o)}>${o}</option>`)}</select>`;
    case 'RADIO_BUTTON':
      return html`<div class="rec-choices" role="radiogroup" aria-labelledby=${`${id}-label`}>${optionList(p).map((o, i) => html`<label>
        <input type="radio" id=${i === 0 ? id : undefined} name=${id} checked=${o === value} onChange=${() => onChange(o)} /> ${o}</label>`)}</div>`;
    case 'CHECK_BOX':
      return html`<div class="rec-choices" role="group" aria-labelledby=${`${id}-label`}>${optionList(p).map((o, i) => html`<label>
        <input type="checkbox" id=${i === 0 ? id : undefined} checked=${(value || []).includes(o)}
          onChange=${(e) => onChange(e.target.checked ? [...(value || []), o] : (value || []).filter((x) => x !== o))} /> ${o}</label>`)}</div>`;
    case 'USER_SELECT': case 'ORGANIZATION_SELECT': case 'GROUP_SELECT':
      return html`<input ...${common} list=${p.type === 'USER_SELECT' ? 'rec-users' : null} value=${(value || []).map((x) => x.code).join(', ')}
        onChange=${(e) => onChange(e.target.value.split(/[,、\s]+/).filter(Boolean).map((c) => ({ code: c, name: users?.[c] || c })))} />`;
    case 'FILE':
      return html`<${FileInput} id=${id} value=${value || []} onChange=${onChange} />`;
    case 'SUBTABLE':
      return html`<${SubtableInput} p=${p} id=${id} rows=${value || []} onChange=${onChange} users=${users} />`;
    default:
      return html`<input ...${common} value=${value || ''} onInput=${(e) => onChange(e.target.value)} />`;
  }
}

function toLocal(iso) {
  const d = new Date(new Date(iso).getTime() + 9 * 3600e3);
  return d.toISOString().slice(0, 16);
}

function FileInput({ id, value, onChange }) {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const add = async (e) => {
    const files = [...e.target.files];
    setBusy(true); setErr(null);
    try {
      const added = [];
      for (const f of files) {
        const fd = new FormData();
        fd.append('file', f, f.name);
        const { fileKey } = await api('POST', '/k/v1/file.json', fd);
        added.push({ fileKey, name: f.name, contentType: f.type, size: String(f.size) });
      }
      onChange([...value, ...added]);
    } catch (x) { setErr(x.message); }
    setBusy(false);
    e.target.value = '';
  };
  return html`<div class="rec-fileinput">
    <ul class="rec-files">${value.map((f) => html`<li>${f.name}
      <button type="button" class="rec-small" onClick=${() => onChange(value.filter((x) => x !== f))}>${f.name}を外す</button></li>`)}</ul>
    <input type="file" id=${id} multiple onChange=${add} disabled=${busy} />
    ${busy ? html`<span role="status">アップロード中…</span>` : ''}
    ${err ? html`<span class="rec-error" role="alert">${err}</span>` : ''}</div>`;
}

function SubtableInput({ p, id, rows, onChange, users }) {
  const cols = Object.values(p.fields || {}).filter((c) => !READONLY.has(c.type));
  const set = (i, code, v) => onChange(rows.map((r, j) => (j === i ? { ...r, value: { ...r.value, [code]: { ...(r.value?.[code] || { type: p.fields[code].type }), value: v } } } : r)));
  const blank = () => ({ value: Object.fromEntries(cols.map((c) => [c.code, { type: c.type, value: ['CHECK_BOX', 'MULTI_SELECT', 'FILE', 'USER_SELECT', 'ORGANIZATION_SELECT', 'GROUP_SELECT'].includes(c.type) ? [] : '' }])) });
  return html`<div id=${id} tabindex="-1"><table class="rec-table"><caption class="sr-only">${p.label}</caption>
    <thead><tr>${cols.map((c) => html`<th scope="col">${c.label}</th>`)}<th scope="col"><span class="sr-only">行の操作</span></th></tr></thead>
    <tbody>${rows.map((r, i) => html`<tr>${cols.map((c) => html`<td>
      <label class="sr-only" for=${`${id}-${i}-${c.code}`}>${c.label}（${i + 1}行目）</label>
      <${FieldInput} p=${c} id=${`${id}-${i}-${c.code}`} value=${r.value?.[c.code]?.value} users=${users} onChange=${(v) => set(i, c.code, v)} /></td>`)}
      <td><button type="button" class="rec-small" onClick=${() => onChange(rows.filter((_, j) => j !== i))}>${i + 1}行目を削除</button></td></tr>`)}</tbody></table>
    <button type="button" class="rec-small" onClick=${() => onChange([...rows, blank()])}>行を追加</button></div>`;
}

/* Choices of a hierarchical field for the current answers, or null. */
export function choicesFor(rr, code, answers) {
  const def = rr?.choices?.[code];
  return def ? treeOptions(def, answers) : null;
}

/* After a change of `code`, empties dependents whose value is no longer offered. */
export function clearDependents(rr, draft, props) {
  const next = { ...draft };
  for (let pass = 0; pass < 4; pass++) {
    const a = answersOf(next, props);
    for (const code of Object.keys(rr?.choices || {})) {
      const opts = choicesFor(rr, code, a);
      if (opts && next[code] && !opts.includes(next[code])) next[code] = '';
    }
  }
  return next;
}
