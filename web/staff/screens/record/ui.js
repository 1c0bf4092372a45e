// Small pieces the record screen's panels share: a keyboard tablist (arrow keys, Home/End), a
// modal dialog (focus kept inside, Esc closes, focus returns to the opener) and the way an
// API error is shown (the server's Japanese message as it comes).
import { html, useEffect, useRef } from '../../lib/html.js';

let seq = 0;
export const uid = (p) => `${p}-${++seq}`;

export function Tabs({ id, label, tabs, current, onSelect }) {
  const refs = useRef({});
  const key = (e, i) => {
    let j = null;
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
    if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    if (e.key === 'Home') j = 0;
    if (e.key === 'End') j = tabs.length - 1;
    if (j === null) return;
    e.preventDefault();
    onSelect(tabs[j].key);
    refs.current[tabs[j].key]?.focus();
  };
  return html`<div class="rec-tabs" role="tablist" aria-label=${label}>
    ${tabs.map((t, i) => html`<button type="button" role="tab" id=${`${id}-tab-${i}`}
      aria-controls=${`${id}-panel-${i}`} aria-selected=${t.key === current ? 'true' : 'false'}
      tabindex=${t.key === current ? 0 : -1} ref=${(el) => { refs.current[t.key] = el; }}
      onClick=${() => onSelect(t.key)} onKeyDown=${(e) => key(e, i)}>${t.label}${t.badge ? html` <span class="rec-badge">${t.badge}</span>` : ''}</button>`)}
  </div>`;
}

export function TabPanel({ id, index, children }) {
  return html`<div role="tabpanel" id=${`${id}-panel-${index}`} aria-labelledby=${`${id}-tab-${index}`} tabindex="0" class="rec-panel">${children}</div>`;
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Dialog({ title, onClose, children }) {
  const ref = useRef(null);
  const tid = useRef(uid('dlg')).current;
  useEffect(() => {
    const opener = document.activeElement;
    const first = ref.current?.querySelector(FOCUSABLE);
    (first || ref.current)?.focus();
    return () => opener && opener.focus && opener.focus();
  }, []);
  const key = (e) => {
    if (e.key === 'Escape') { e.preventDefault(); onClose(); return; }
    if (e.key !== 'Tab') return;
    const els = [...ref.current.querySelectorAll(FOCUSABLE)];
    if (!els.length) return;
    const a = els[0], z = els[els.length - 1];
    if (e.shiftKey && document.activeElement === a) { e.preventDefault(); z.focus(); }
    else if (!e.shiftKey && document.activeElement === z) { e.preventDefault(); a.focus(); }
  };
  return html`<div class="rec-backdrop">
    <div class="rec-dialog" role="dialog" aria-modal="true" aria-labelledby=${tid} ref=${ref} tabindex="-1" onKeyDown=${key}>
      <h2 id=${tid}>${title}</h2>
      ${children}
    </div></div>`;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<p class="rec-error" role="alert">${error.message || String(error)}</p>`;
}

export function fmtTime(s) {
  if (s === null || s === undefined || s === '') return '';
  const d = typeof s === 'number' ? new Date(s * 1000) : new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  return d.toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

export function today() {
  return new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10);
}
