// Enhancement of the applicant form pages. The pages work without it; with it: questions
// appear and disappear as answers change, answers are checked when a field is left, files
// upload at once with a progress bar, and the draft is saved every 30 seconds. Conditions and
// checks are the same code the server runs in C (fcond.js, shared test vectors).
import { evalCondition, checkValue, message, computeValue, treeOptions } from './fcond.js';

const dataEl = document.getElementById('form-data');
const form = document.querySelector('form[data-form]');
if (dataEl && form) enhance(JSON.parse(dataEl.textContent), form);

function enhance(data, form) {
  const env = { today: data.today };
  const lang = document.documentElement.lang === 'en' ? 'en' : 'ja';
  const fields = data.fields;
  let dirty = false;
  // Pressing a button blurs the field first; a message appearing or vanishing then would move
  // the button away from under the pointer and the press would miss it. While a button is
  // being pressed the page keeps still (the server checks everything anyway).
  let pressing = false;
  form.addEventListener('pointerdown', (e) => { if (e.target.closest('button')) pressing = true; }, true);
  document.addEventListener('pointerup', () => setTimeout(() => { pressing = false; }, 0), true);

  const inputsOf = (f) => [...form.querySelectorAll(`[name="a.${cssEscape(f.code)}"], [name="a.${cssEscape(f.code)}[]"]`)];
  const wrapOf = (f) => form.querySelector(`[data-field="${f.id}"]`);

  function valueOf(f) {
    const els = inputsOf(f);
    if (!els.length) return undefined;
    const t = els[0].type;
    if (t === 'checkbox') return els.filter((e) => e.checked).map((e) => e.value);
    if (t === 'radio') { const c = els.find((e) => e.checked); return c ? c.value : ''; }
    if (t === 'file') return undefined;
    return els[0].value;
  }

  function answers() {
    const a = { ...data.answers };
    for (const f of fields) {
      const w = wrapOf(f);
      const v = valueOf(f);
      if (w && w.hidden) delete a[f.code];
      else if (v !== undefined) a[f.code] = v;
    }
    return a;
  }

  function required(f, a) {
    return !!(f.rules && f.rules.required) || (f.requiredIf ? evalCondition(f.requiredIf, a, env) : false);
  }

  // Show and hide to a fixed point: a hidden question's answer opens nothing.
  function update() {
    if (pressing) return;
    for (let round = 0; round < 8; round++) {
      const a = answers();
      let changed = false;
      for (const f of fields) {
        const w = wrapOf(f);
        if (!w) continue;
        const show = (!f.sectionShowIf || evalCondition(f.sectionShowIf, a, env)) &&
          (!f.showIf || evalCondition(f.showIf, a, env));
        if (w.hidden === show) {
          w.hidden = !show;
          for (const el of w.querySelectorAll('input, select, textarea')) el.disabled = !show;
          changed = true;
        }
      }
      if (!changed) break;
    }
    // hierarchical choices (地域 → 町名 → 丁目) offer what the levels above allow
    {
      const a = answers();
      for (const f of fields) {
        const opts = treeOptions(f.rules, a);
        const el = inputsOf(f)[0];
        if (!opts || !el || el.tagName !== 'SELECT') continue;
        const have = [...el.options].slice(1).map((o) => o.value);
        if (have.length === opts.length && have.every((v, i) => v === opts[i])) continue;
        const keep = el.value;
        el.length = 1;
        for (const o of opts) el.add(new Option(o, o, false, o === keep));
        if (!opts.includes(keep)) el.value = '';
      }
    }
        // computed answers follow the others (twice: one may use another's result)
    for (let round = 0; round < 2; round++) {
      const a = answers();
      for (const f of fields) {
        if (!f.compute) continue;
        const el = inputsOf(f)[0];
        if (el && !el.disabled) el.value = computeValue(f.compute, a, env);
      }
    }
  }

  function setError(f, text) {
    const w = wrapOf(f);
    if (!w) return;
    const id = `${f.id}-error`;
    let p = document.getElementById(id);
    const els = inputsOf(f);
    if (!text) {
      if (p) p.remove();
      w.classList.remove('has-error');
      for (const el of els) el.removeAttribute('aria-invalid');
      return;
    }
    if (!p) {
      p = document.createElement('p');
      p.className = 'error-msg';
      p.id = id;
      const icon = document.createElement('span');
      icon.className = 'icon';
      icon.setAttribute('aria-hidden', 'true');
      icon.textContent = '!';
      p.append(icon, document.createTextNode(''));
      const anchor = w.querySelector('input, select, textarea, label.choice');
      (anchor && anchor.parentElement === w ? anchor : w.lastChild).before(p);
      for (const el of els.length && els[0].type !== 'radio' && els[0].type !== 'checkbox' ? els : [w.querySelector('fieldset')].filter(Boolean)) {
        const d = (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
        if (!d.includes(id)) el.setAttribute('aria-describedby', [...d, id].join(' '));
      }
    }
    p.lastChild.textContent = text;
    w.classList.add('has-error');
    for (const el of els) el.setAttribute('aria-invalid', 'true');
  }

  function check(f) {
    if (pressing) return;
    const w = wrapOf(f);
    if (!w || w.hidden || f.type === 'FILE') return;
    const a = answers();
    const e = checkValue(f.rules || {}, valueOf(f), required(f, a), env, a);
    setError(f, e ? message(e.code, lang, e.arg) : null);
  }

  for (const f of fields) {
    for (const el of inputsOf(f)) {
      el.addEventListener('change', () => { dirty = true; update(); check(f); });
      el.addEventListener('input', () => { dirty = true; if (fields.some((x) => x.compute)) update(); });
      if (el.type !== 'radio' && el.type !== 'checkbox' && el.type !== 'file') el.addEventListener('blur', () => check(f));
      if (el.type === 'file') el.addEventListener('change', () => upload(f, el));
    }
  }
  update();

  // ---- autosave ----
  const status = document.getElementById('autosave');
  async function save() {
    if (!dirty) return;
    dirty = false;
    const a = answers();
    for (const f of fields) if (f.type === 'FILE') delete a[f.code];
    try {
      const res = await fetch('/apply/api/draft.json', {
        method: 'PUT', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch' },
        body: JSON.stringify({ code: data.code, answers: a, step: data.step }),
      });
      if (!res.ok) throw new Error(String(res.status));
      const t = new Date();
      if (status) status.textContent = `${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')} に一時保存しました。`;
    } catch {
      dirty = true;
      if (status) status.textContent = '一時保存できませんでした。通信状態を確認してください（入力内容は「次へ進む」でも保存されます）。';
    }
  }
  setInterval(save, 30000);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') save(); });

  // ---- uploads with progress ----
  function upload(f, input) {
    const file = input.files && input.files[0];
    if (!file) return;
    const w = wrapOf(f);
    const bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-label', `${file.name} を送信中`);
    input.after(bar);
    const fd = new FormData();
    fd.append('code', data.code);
    fd.append('field', f.code);
    fd.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/apply/api/file.json');
    xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total); });
    xhr.addEventListener('load', () => {
      bar.remove();
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status === 200) {
        let list = w.querySelector('ul.files');
        if (!list) { list = document.createElement('ul'); list.className = 'files'; input.before(list); }
        const li = document.createElement('li');
        li.textContent = `添付済み: ${file.name}`;
        list.append(li);
        input.value = '';
        setError(f, null);
      } else {
        setError(f, (body.errors && Object.values(body.errors)[0]?.messages?.[0]) || body.message || 'このファイルは添付できません。');
      }
    });
    xhr.addEventListener('error', () => { bar.remove(); setError(f, '送信できませんでした。もう一度お試しください。'); });
    xhr.send(fd);
  }
}

function cssEscape(s) {
  return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/["\\]/g, '\\$&');
}
