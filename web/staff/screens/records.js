// Record list (#/apps/{app}): a saved view (its columns, filter and sort), a search box, filters
// built by clicks (never typed query text), sort by column, pages, 期限超過 / 未対応 chips, bulk
// status actions and exports. The query sent to the server is composed here with every value
// quoted and escaped (query.js-like helpers below), so user input never changes its structure.
import { html, useState, useEffect, useMemo, useRef } from '../lib/html.js';
import { api, ApiError } from '../lib/api.js';
import { useStyle } from '../lib/style.js';
import { t, fmtDate, fmtDateTime, fmtNum } from '../lib/i18n.js';

const TEXT = ['SINGLE_LINE_TEXT', 'MULTI_LINE_TEXT', 'LINK', 'RICH_TEXT'];
const NUMBER = ['NUMBER', 'CALC', 'RECORD_NUMBER'];
const DATE = ['DATE', 'DATETIME', 'CREATED_TIME', 'UPDATED_TIME'];
const CHOICE = ['DROP_DOWN', 'RADIO_BUTTON', 'CHECK_BOX', 'MULTI_SELECT', 'STATUS'];
const USER = ['USER_SELECT', 'CREATOR', 'MODIFIER', 'STATUS_ASSIGNEE'];
const SORTABLE = ['RECORD_NUMBER', 'NUMBER', 'CALC', 'DATE', 'DATETIME', 'TIME', 'CREATED_TIME', 'UPDATED_TIME',
  'SINGLE_LINE_TEXT', 'DROP_DOWN', 'RADIO_BUTTON', 'LINK'];
const SKIP = ['SUBTABLE', 'REFERENCE_TABLE', 'GROUP', 'LABEL', 'SPACER', 'HR', 'CATEGORY', 'FILE'];
const PAGE_SIZES = [20, 50, 100];
// The view extension key holding the colour rule (app settings keep only kintone's keys).
export const RULE_KEY = 'madoguchiHighlight';
const DEFAULT_RULE = { untouchedStatus: '未対応', untouchedDays: 3 };

/* A query string literal: backslash and double quote escaped (docs/api.md "Query language"). */
export function quote(v) {
  return `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function opsFor(type) {
  if (TEXT.includes(type)) {
    const ops = [['like', t('含む', 'contains')], ['not like', t('含まない', 'does not contain')]];
    if (type === 'SINGLE_LINE_TEXT' || type === 'LINK') ops.push(['=', t('等しい', 'is')], ['!=', t('等しくない', 'is not')]);
    return ops.concat([['is empty', t('空', 'is empty')], ['is not empty', t('空でない', 'is not empty')]]);
  }
  if (NUMBER.includes(type)) {
    return [['=', t('＝', '=')], ['!=', '≠'], ['>=', t('以上', '≥')], ['<=', t('以下', '≤')], ['>', t('より大きい', '>')], ['<', t('より小さい', '<')]];
  }
  if (DATE.includes(type)) return [['>=', t('この日以降', 'on or after')], ['<=', t('この日以前', 'on or before')], ['=', t('この日', 'on')]];
  if (CHOICE.includes(type)) return [['in', t('いずれか', 'is any of')], ['not in', t('いずれでもない', 'is none of')]];
  if (USER.includes(type)) return [['in', t('含む', 'includes')], ['not in', t('含まない', 'does not include')]];
  if (type === '$overdue') return [['=', '']];
  return [];
}

/* One filter {code, type, op, value | values} as query text, or null when incomplete. */
export function condition(f) {
  const code = f.code === '$id' ? '$id' : f.code;
  if (f.op === 'is empty' || f.op === 'is not empty') return `${code} ${f.op}`;
  if (f.op === 'in' || f.op === 'not in') {
    const vals = (f.values || []).map((v) => (v === 'LOGINUSER()' ? v : quote(v)));
    return vals.length ? `${code} ${f.op} (${vals.join(', ')})` : null;
  }
  if (f.value === undefined || f.value === '') return null;
  return `${code} ${f.op} ${quote(f.value)}`;
}

function cellText(v, type) {
  if (v === null || v === undefined) return '';
  if (type === 'DATE') return fmtDate(v);
  if (type === 'DATETIME' || type === 'CREATED_TIME' || type === 'UPDATED_TIME') return fmtDateTime(v);
  if (Array.isArray(v)) return v.map((x) => cellText(x)).join(', ');
  if (typeof v === 'object') return v.name || v.code || '';
  return String(v);
}

function layoutCodes(layout) {
  const out = [];
  for (const row of layout || []) {
    if (row.type === 'GROUP') out.push(...layoutCodes(row.layout));
    else if (row.type === 'ROW') for (const f of row.fields || []) if (f.code) out.push(f.code);
  }
  return out;
}

function daysSince(iso, now) {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor((now - ms) / 86400000) : 0;
}

export default function Records({ route }) {
  useStyle('/assets/css/staff/records.css');
  const appId = route.params.app;
  const [meta, setMeta] = useState(null); // {app, props, views, layout, states}
  const [error, setError] = useState(null);
  const [viewName, setViewName] = useState(route.query.view || null);
  const [search, setSearch] = useState('');
  const [searchDraft, setSearchDraft] = useState('');
  const [filters, setFilters] = useState([]);
  const [sort, setSort] = useState(null); // {code, dir} or null = the view's
  const [size, setSize] = useState(100);
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState(null); // {records, total, clocks}
  const [selected, setSelected] = useState(new Set());
  const [notice, setNotice] = useState(null);
  const renderMark = useRef(null);

  useEffect(() => {
    setMeta(null); setError(null);
    Promise.all([
      api('GET', '/k/v1/app.json', { id: appId }),
      api('GET', '/k/v1/app/form/fields.json', { app: appId }),
      api('GET', '/k/v1/app/views.json', { app: appId }),
      api('GET', '/k/v1/app/form/layout.json', { app: appId }).catch(() => ({ layout: [] })),
      api('GET', '/k/v1/app/status.json', { app: appId }).catch(() => ({ states: {} })),
      api('GET', '/k/v1/app/clock.json', { app: appId }).catch(() => ({ enable: false })),
    ]).then(([app, f, v, l, s, clock]) => {
      const views = Object.values(v.views || {}).filter((x) => x.type === 'LIST')
        .sort((a, b) => Number(a.index) - Number(b.index));
      setMeta({ app, props: f.properties || {}, views, layout: l.layout || [], states: s.enable ? s.states || {} : {}, clock: !!clock.enable });
    }, (e) => setError(e.message));
  }, [appId]);

  const view = useMemo(() => {
    if (!meta) return null;
    return meta.views.find((x) => x.name === viewName) || meta.views[0] || null;
  }, [meta, viewName]);

  const columns = useMemo(() => {
    if (!meta) return [];
    const ok = (c) => meta.props[c] && !SKIP.includes(meta.props[c].type);
    if (view && view.fields && view.fields.length) return view.fields.filter(ok);
    const num = Object.keys(meta.props).filter((c) => meta.props[c].type === 'RECORD_NUMBER');
    const status = Object.keys(meta.props).filter((c) => meta.props[c].type === 'STATUS' && Object.keys(meta.states).length);
    const rest = layoutCodes(meta.layout).concat(Object.keys(meta.props)).filter(ok)
      .filter((c) => !num.includes(c) && !status.includes(c));
    return [...new Set([...num, ...status, ...rest])].slice(0, 6);
  }, [meta, view]);
  // about 7rem a column: a wide view scrolls sideways instead of squeezing its headers (set
  // through the CSSOM, which the CSP allows, unlike style attributes in markup)
  const tableStyle = { minWidth: `${18 + 7 * columns.length}rem` };

  const textFields = useMemo(() => (meta ? Object.keys(meta.props)
    .filter((c) => ['SINGLE_LINE_TEXT', 'MULTI_LINE_TEXT', 'LINK'].includes(meta.props[c].type)).slice(0, 8) : []), [meta]);

  const rule = { ...DEFAULT_RULE, ...((view && view[RULE_KEY]) || {}) };

  // the condition part (no order/limit): the view's filter, the search, the click-built filters
  const cond = useMemo(() => {
    const parts = [];
    if (view && view.filterCond) parts.push(`(${view.filterCond})`);
    if (search && textFields.length) parts.push(`(${textFields.map((c) => `${c} like ${quote(search)}`).join(' or ')})`);
    for (const f of filters) { const c = condition(f); if (c) parts.push(c); }
    return parts.join(' and ');
  }, [view, search, filters, textFields]);
  const order = sort ? `${sort.code} ${sort.dir}` : (view && view.sort) || '';
  const fullQuery = `${cond}${order ? ` order by ${order}` : ''}`;

  const seq = useRef(0);
  const load = async () => {
    const query = `${fullQuery} limit ${size} offset ${offset}`;
    const my = ++seq.current; // only the newest request may show its answer
    try {
      const r = await api('GET', '/k/v1/records.json', { app: appId, query, totalCount: true });
      if (my !== seq.current) return;
      const ids = r.records.map((x) => x.$id.value);
      let clocks = null;
      if (ids.length && meta.clock) {
        try { clocks = (await api('GET', '/k/v1/records/clock.json', { app: appId, ids })).clocks; } catch { clocks = null; }
      }
      if (my !== seq.current) return;
      renderMark.current = performance.now();
      setData({ records: r.records, total: Number(r.totalCount), clocks, offset, size });
      setError(null);
    } catch (e) {
      if (my !== seq.current) return;
      setError(e.message);
      setData((d) => d || { records: [], total: 0, clocks: null, offset: 0, size });
    }
  };
  useEffect(() => { if (meta) load(); }, [meta, fullQuery, size, offset]);
  useEffect(() => { setOffset(0); setSelected(new Set()); }, [fullQuery, size]);

  if (error && !meta) return html`<p class="error" role="alert">${error}</p>`;
  if (!meta) return html`<p class="loading">${t('読み込み中…', 'Loading…')}</p>`;

  const idOf = (rec) => rec.$id.value;
  const toggle = (id) => {
    const s = new Set(selected);
    if (s.has(id)) s.delete(id); else s.add(id);
    setSelected(s);
  };
  const pageIds = data ? data.records.map(idOf) : [];
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const clockOf = (i) => (data.clocks ? data.clocks[i] : null);
  const statusCode = Object.keys(meta.props).find((c) => meta.props[c].type === 'STATUS');
  const createdCode = Object.keys(meta.props).find((c) => meta.props[c].type === 'CREATED_TIME');
  const now = Date.now();
  const flags = (rec, i) => {
    const cl = clockOf(i);
    const out = [];
    if (cl && cl.overdue) out.push(['overdue', t(`期限超過（期限 ${fmtDate(cl.due)}）`, `Overdue (due ${fmtDate(cl.due)})`)]);
    const st = statusCode && rec[statusCode] ? rec[statusCode].value : null;
    if (st && st === rule.untouchedStatus) {
      const days = cl && cl.daysUsed != null ? Number(cl.daysUsed)
        : createdCode && rec[createdCode] ? daysSince(rec[createdCode].value, now) : 0;
      if (days >= rule.untouchedDays) out.push(['untouched', t(`${rule.untouchedStatus} ${days}日`, `${rule.untouchedStatus} ${days} ${days === 1 ? 'day' : 'days'}`)]);
    }
    return out;
  };
  const sortBy = (code) => {
    const cur = sort && sort.code === code ? sort.dir : null;
    setSort({ code: meta.props[code].type === 'RECORD_NUMBER' ? code : code, dir: cur === 'asc' ? 'desc' : 'asc' });
  };
  const ariaSort = (code) => {
    if (sort && sort.code === code) return sort.dir === 'asc' ? 'ascending' : 'descending';
    return 'none';
  };
  const total = data ? data.total : 0;
  const page = Math.floor(offset / size) + 1;
  const pages = Math.max(1, Math.ceil(total / size));

  return html`
    <div class="records">
      <div class="records-head">
        <h1>${meta.app.name}</h1>
        <a class="button primary" href=${`#/apps/${appId}/records/new`}>${t('新規作成（窓口申請）', 'New (paper application)')}</a>
      </div>
      <div class="records-tools">
        ${meta.views.length > 0 && html`
          <label class="field">${t('一覧', 'View')}
            <select value=${view ? view.name : ''} onChange=${(e) => { setViewName(e.target.value); setSort(null); }}>
              ${meta.views.map((v) => html`<option value=${v.name}>${v.name}</option>`)}
            </select>
          </label>`}
        <form class="search" role="search" onSubmit=${(e) => { e.preventDefault(); setSearch(searchDraft.trim()); }}>
          <label class="field">${t('キーワード検索', 'Keyword search')}
            <input type="search" value=${searchDraft} onInput=${(e) => setSearchDraft(e.target.value)}
              aria-describedby="search-hint" />
          </label>
          <button type="submit">${t('検索', 'Search')}</button>
          <span id="search-hint" class="muted">${t('全角・半角、大文字・小文字を区別しません', 'Full-width and half-width, upper and lower case are the same')}</span>
        </form>
        ${meta.clock && html`<button type="button" aria-pressed=${filters.some((f) => f.code === '$overdue') ? 'true' : 'false'}
          onClick=${() => setFilters(filters.some((f) => f.code === '$overdue')
            ? filters.filter((f) => f.code !== '$overdue')
            : [...filters, { code: '$overdue', type: '$overdue', op: '=', value: 'true' }])}>${t('期限超過のみ', 'Overdue only')}</button>`}
      </div>
      <${FilterBuilder} props=${meta.props} states=${meta.states} filters=${filters} onChange=${setFilters} />
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${notice && html`<p class=${notice.ok ? 'notice ok' : 'error'} role=${notice.ok ? 'status' : 'alert'}>${notice.text}</p>`}
      <${Bulk} appId=${appId} selected=${[...selected]} fullQuery=${fullQuery} appName=${meta.app.name}
        onDone=${(n) => { setNotice(n); if (n.ok) { setSelected(new Set()); load(); } }} />
      <p class="count" role="status">${data ? countText(total, total ? data.offset + 1 : 0, Math.min(data.offset + data.records.length, total)) : t('読み込み中…', 'Loading…')}</p>
      ${data && html`
        <div class="table-wrap">
        <table class="list" style=${tableStyle}>
          <caption class="vh">${t(`${meta.app.name}のレコード一覧${view ? `（${view.name}）` : ''}`, `Records of ${meta.app.name}${view ? ` (${view.name})` : ''}`)}</caption>
          <thead><tr>
            <th scope="col" class="sel"><label><input type="checkbox" checked=${allOnPage}
              onChange=${() => { const s = new Set(selected); pageIds.forEach((id) => (allOnPage ? s.delete(id) : s.add(id))); setSelected(s); }} />
              <span class="vh">${t('このページをすべて選択', 'Select all on this page')}</span></label></th>
            <th scope="col" class="id">${t('詳細', 'Record')}</th>
            <th scope="col" class="flags">${t('注意', 'Flags')}</th>
            ${columns.map((c) => {
              const p = meta.props[c];
              const label = p.label || c;
              return SORTABLE.includes(p.type)
                ? html`<th scope="col" aria-sort=${ariaSort(c)}><button type="button" class="sort" onClick=${() => sortBy(c)}>${label}<span aria-hidden="true">${ariaSort(c) === 'ascending' ? ' ▲' : ariaSort(c) === 'descending' ? ' ▼' : ''}</span></button></th>`
                : html`<th scope="col">${label}</th>`;
            })}
          </tr></thead>
          <tbody>
            ${data.records.map((rec, i) => {
              const id = idOf(rec);
              const fl = flags(rec, i);
              const cls = fl.some((f) => f[0] === 'overdue') ? 'overdue' : fl.length ? 'untouched' : '';
              return html`<tr key=${id} class=${cls}>
                <td class="sel"><label><input type="checkbox" checked=${selected.has(id)} onChange=${() => toggle(id)} />
                  <span class="vh">${t(`レコード${id}を選択`, `Select record ${id}`)}</span></label></td>
                <td><a href=${`#/apps/${appId}/records/${id}`}>${id}</a></td>
                <td>${fl.map(([k, t]) => html`<span class=${`chip ${k}`}>${t}</span>`)}</td>
                ${columns.map((c) => html`<td>${cellText(rec[c] && rec[c].value, meta.props[c].type)}</td>`)}
              </tr>`;
            })}
          </tbody>
        </table>
        </div>
        <${RenderMark} mark=${renderMark} />
        ${data.records.length === 0 && html`<p>${t('条件に合うレコードはありません。', 'No records match.')}</p>`}
        <nav class="pager" aria-label=${t('ページ', 'Pages')}>
          <button type="button" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - size))}>${t('前へ', 'Previous')}</button>
          <span>${t(`${fmtNum(page)} / ${fmtNum(pages)} ページ`, `Page ${fmtNum(page)} of ${fmtNum(pages)}`)}</span>
          <button type="button" disabled=${offset + size >= total} onClick=${() => setOffset(offset + size)}>${t('次へ', 'Next')}</button>
          <label class="field">${t('表示件数', 'Per page')}
            <select value=${size} onChange=${(e) => setSize(Number(e.target.value))}>
              ${PAGE_SIZES.map((n) => html`<option value=${n}>${t(`${n}件`, `${n}`)}</option>`)}
            </select>
          </label>
        </nav>`}
    </div>`;
}

/* "250件中 1–100件" / "1–100 of 250" */
function countText(total, from, to) {
  return t(`${fmtNum(total)}件中 ${fmtNum(from)}–${fmtNum(to)}件`, `${fmtNum(from)}–${fmtNum(to)} of ${fmtNum(total)}`);
}

/* Rendered right after the table: the time from the data's arrival to the table's DOM built
 * and laid out, appended to <html data-list-render> (the browser test reads it). */
function RenderMark({ mark }) {
  if (mark.current !== null) {
    void document.body.offsetHeight; // force layout: the figure includes it
    const ms = performance.now() - mark.current;
    mark.current = null;
    const el = document.documentElement;
    el.dataset.listRender = `${el.dataset.listRender ? `${el.dataset.listRender} ` : ''}${ms.toFixed(2)}`;
  }
  return null;
}

function FilterBuilder({ props, states, filters, onChange }) {
  const codes = Object.keys(props).filter((c) => opsFor(props[c].type).length);
  const [code, setCode] = useState('');
  const [op, setOp] = useState('');
  const [value, setValue] = useState('');
  const [values, setValues] = useState([]);
  const p = props[code];
  const ops = p ? opsFor(p.type) : [];
  const options = !p ? [] : p.type === 'STATUS' ? Object.keys(states)
    : CHOICE.includes(p.type) ? Object.values(p.options || {}).sort((a, b) => a.index - b.index).map((o) => o.label) : [];
  const pick = (c) => { setCode(c); setOp(c ? opsFor(props[c].type)[0][0] : ''); setValue(''); setValues([]); };
  const add = () => {
    const f = { code, type: p.type, op, value, values, label: p.label || code };
    if (!condition(f)) return;
    onChange([...filters, f]);
    pick('');
  };
  const describe = (f) => {
    if (f.code === '$overdue') return t('期限超過', 'Overdue');
    const opLabel = (opsFor(f.type).find((o) => o[0] === f.op) || [f.op, f.op])[1];
    const v = f.op === 'in' || f.op === 'not in' ? f.values.map((x) => (x === 'LOGINUSER()' ? t('自分', 'me') : x)).join(t('・', ', ')) : f.value || '';
    return `${f.label} ${opLabel} ${v}`.trim();
  };
  const needsValue = op && op !== 'is empty' && op !== 'is not empty';
  return html`
    <fieldset class="filters">
      <legend>${t('絞り込み', 'Filters')}</legend>
      ${filters.length > 0 && html`<ul class="filter-chips">
        ${filters.map((f, i) => html`<li><span class="chip filter">${describe(f)}</span>
          <button type="button" class="link" onClick=${() => onChange(filters.filter((_, j) => j !== i))}
            aria-label=${t(`条件「${describe(f)}」を外す`, `Remove the filter “${describe(f)}”`)}>${t('外す', 'Remove')}</button></li>`)}
      </ul>`}
      <div class="filter-row">
        <label class="field">${t('項目', 'Field')}
          <select value=${code} onChange=${(e) => pick(e.target.value)}>
            <option value="">${t('選択してください', 'Choose a field')}</option>
            ${codes.map((c) => html`<option value=${c}>${props[c].label || c}</option>`)}
          </select>
        </label>
        ${p && html`<label class="field">${t('条件', 'Condition')}
          <select value=${op} onChange=${(e) => setOp(e.target.value)}>
            ${ops.map(([o, l]) => html`<option value=${o}>${l}</option>`)}
          </select></label>`}
        ${p && needsValue && (CHOICE.includes(p.type) ? html`
          <fieldset class="options"><legend>${t('値', 'Value')}</legend>
            ${options.map((o) => html`<label><input type="checkbox" checked=${values.includes(o)}
              onChange=${() => setValues(values.includes(o) ? values.filter((x) => x !== o) : [...values, o])} />${o}</label>`)}
          </fieldset>`
        : USER.includes(p.type) ? html`
          <fieldset class="options"><legend>${t('値', 'Value')}</legend>
            <label><input type="checkbox" checked=${values.includes('LOGINUSER()')}
              onChange=${() => setValues(values.includes('LOGINUSER()') ? values.filter((x) => x !== 'LOGINUSER()') : [...values, 'LOGINUSER()'])} />${t('自分', 'Me')}</label>
          </fieldset>`
        : html`<label class="field">${t('値', 'Value')}
            <input type=${DATE.includes(p.type) ? 'date' : NUMBER.includes(p.type) ? 'number' : 'text'}
              value=${value} onInput=${(e) => setValue(e.target.value)}
              onKeyDown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } }} /></label>`)}
        ${p && html`<button type="button" onClick=${add}>${t('条件を追加', 'Add filter')}</button>`}
      </div>
    </fieldset>`;
}

function Bulk({ appId, selected, fullQuery, appName, onDone }) {
  const [actions, setActions] = useState(null);
  const [action, setAction] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [templates, setTemplates] = useState(null);
  const [template, setTemplate] = useState('');
  const [deliver, setDeliver] = useState(false);
  const first = selected[0];
  const anySelected = selected.length > 0;
  useEffect(() => {
    if (!anySelected || templates) return;
    api('GET', '/k/v1/app/templates.json', { app: appId })
      .then((r) => { setTemplates(r.templates || []); setTemplate((r.templates && r.templates[0] && r.templates[0].code) || ''); },
        () => setTemplates([]));
  }, [appId, anySelected]);
  useEffect(() => {
    setActions(null); setAction('');
    if (!first) return;
    api('GET', '/k/v1/record/actions.json', { app: appId, id: first })
      .then((r) => { setActions(r.actions || []); setAction((r.actions && r.actions[0] && r.actions[0].name) || ''); },
        () => setActions([]));
  }, [appId, first]);
  const run = async () => {
    if (!action) return;
    setBusy(true);
    try {
      await api('PUT', '/k/v1/records/status.json', {
        app: appId, records: selected.map((id) => ({ id, action, ...(reason ? { reason } : {}) })),
      });
      onDone({ ok: true, text: t(`${selected.length}件に「${action}」を実行しました。`, `“${action}” was run on ${selected.length} records.`) });
      setReason('');
    } catch (e) {
      onDone({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    } finally { setBusy(false); }
  };
  const save = (blob, name) => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  };
  const fileName = (res, fallback) => {
    const m = /filename\*=UTF-8''([^;]+)/.exec(res.headers.get('Content-Disposition') || '');
    return m ? decodeURIComponent(m[1]) : fallback;
  };
  /* 文書を作成: one request issues the template on every selected record (all or none) and
   * answers the PDFs as one zip; the documents also appear on each record's 発行文書 tab. */
  const print = async () => {
    if (!template) return;
    setBusy(true);
    try {
      const res = await api('POST', '/k/v1/records/print.zip',
        { app: appId, ids: selected.map(Number), template, deliver }, { raw: true });
      const name = fileName(res, `${template}.zip`);
      save(await res.blob(), name);
      onDone({ ok: true, text: t(`${selected.length}件の文書を作成しました（${name}）。${deliver ? '申請者ページへ交付しました。' : ''}`,
        `${selected.length} documents were issued (${name}).${deliver ? ' They were delivered to the applicants.' : ''}`) });
    } catch (e) {
      onDone({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    } finally { setBusy(false); }
  };
  const download = async (kind, encoding) => {
    const query = selected.length ? `$id in (${selected.map(Number).join(', ')}) order by $id asc` : fullQuery;
    try {
      const res = await api('GET', `/k/v1/records/export.${kind}`, { app: appId, query, ...(encoding ? { encoding } : {}) }, { raw: true });
      const name = fileName(res, `${appName}.${kind}`);
      save(await res.blob(), name);
      const rep = res.headers.get('X-Madoguchi-Replaced');
      const note = rep && rep !== '0' ? t(`Shift_JISにない文字${rep}字を「?」に置き換えました。`, ` ${rep} characters not in Shift_JIS were replaced by “?”.`) : '';
      onDone({ ok: true, text: t(`${name} を書き出しました。${note}`, `${name} was exported.${note}`) });
    } catch (e) {
      onDone({ ok: false, text: e.message });
    }
  };
  const sel = actions && actions.find((a) => a.name === action);
  return html`
    <section class="bulk" aria-label=${t('選択したレコードの操作', 'Actions on the selected records')}>
      <span>${selected.length ? t(`${selected.length}件選択中`, `${selected.length} selected`)
        : t('選択なし（書き出しは表示中の条件すべて）', 'None selected (exports take every record of the current filter)')}</span>
      ${selected.length > 0 && actions && actions.length > 0 && html`
        <label class="field">${t('一括操作', 'Bulk action')}
          <select value=${action} onChange=${(e) => setAction(e.target.value)}>
            ${actions.map((a) => html`<option value=${a.name}>${a.name}${t(`（→ ${a.to}）`, ` (→ ${a.to})`)}</option>`)}
          </select>
        </label>
        ${sel && sel.reason && sel.reason !== 'NONE' && html`<label class="field">${t('理由', 'Reason')}
          <input type="text" value=${reason} onInput=${(e) => setReason(e.target.value)} /></label>`}
        <button type="button" disabled=${busy} onClick=${run}>${t('実行', 'Run')}</button>`}
      ${selected.length > 0 && actions && actions.length === 0 && html`<span class="muted">${t('実行できる操作はありません', 'No action can be run')}</span>`}
      ${anySelected && templates && templates.length > 0 && html`
        <span class="docs">
          <label class="field">${t('文書', 'Document')}
            <select value=${template} onChange=${(e) => setTemplate(e.target.value)}>
              ${templates.map((x) => html`<option value=${x.code}>${x.name || x.code}</option>`)}
            </select>
          </label>
          <label class="check"><input type="checkbox" checked=${deliver} onChange=${(e) => setDeliver(e.target.checked)} />
            ${t('申請者ページへ交付する', 'Deliver to the applicants')}</label>
          <button type="button" disabled=${busy} onClick=${print}>${t('文書を作成', 'Issue documents')}</button>
        </span>`}
      <span class="exports">
        <button type="button" onClick=${() => download('csv')}>${t('CSV（UTF-8）', 'CSV (UTF-8)')}</button>
        <button type="button" onClick=${() => download('csv', 'shift_jis')}>${t('CSV（Shift_JIS）', 'CSV (Shift_JIS)')}</button>
        <button type="button" onClick=${() => download('xlsx')}>Excel</button>
      </span>
    </section>`;
}

