// Apps (#/apps): the apps the signed-in user may view (GET apps.json answers only those), each a
// link to its record list.
import { html, useState, useEffect } from '../lib/html.js';
import { api } from '../lib/api.js';
import { useStyle } from '../lib/style.js';
import { t } from '../lib/i18n.js';

export default function Apps() {
  useStyle('/assets/css/staff/records.css');
  const [apps, setApps] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('GET', '/k/v1/apps.json', { limit: 100 })
      .then((r) => setApps(r.apps || []), (e) => setError(e.message));
  }, []);
  return html`
    <h1>${t('アプリ', 'Apps')}</h1>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${!apps && !error && html`<p class="loading">${t('読み込み中…', 'Loading…')}</p>`}
    ${apps && apps.length === 0 && html`<p>${t('表示できるアプリはありません。', 'There are no apps you can view.')}</p>`}
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
