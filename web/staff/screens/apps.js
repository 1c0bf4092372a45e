// Apps (#/apps): the apps the signed-in user may view (GET apps.json answers only those), each a
// link to its record list.
import { html, useState, useEffect } from '../lib/html.js';
import { api } from '../lib/api.js';
import { useStyle } from '../lib/style.js';

export default function Apps() {
  useStyle('/assets/css/staff/records.css');
  const [apps, setApps] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('GET', '/k/v1/apps.json', { limit: 100 })
      .then((r) => setApps(r.apps || []), (e) => setError(e.message));
  }, []);
  return html`
    <h1>アプリ</h1>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${!apps && !error && html`<p class="loading">読み込み中…</p>`}
    ${apps && apps.length === 0 && html`<p>表示できるアプリはありません。</p>`}
    ${apps && apps.length > 0 && html`
      <ul class="app-list">
        ${apps.map((a) => html`<li key=${a.appId}>
          <a href=${`#/apps/${a.appId}`}>${a.name}</a>
          ${a.description ? html`<span class="muted">${strip(a.description)}</span>` : null}
        </li>`)}
      </ul>`}`;
}

// descriptions are rich text in kintone: show their words only
function strip(s) {
  const d = new DOMParser().parseFromString(s, 'text/html');
  return (d.body.textContent || '').slice(0, 120);
}
