// アカウント: change my password, my second factor's state, new recovery codes, and ending
// every session of my account (e.g. after leaving a shared PC signed in).
import { html, useState } from '../lib/html.js';
import { api, setSession } from '../lib/api.js';
import { useStyle } from '../lib/style.js';
import { RecoveryCodes } from './login.js';
import { t, usePrefs, setPrefs } from '../lib/i18n.js';

function message(e) {
  const parts = [e.message];
  if (e.errors) for (const v of Object.values(e.errors)) parts.push(...(v.messages || []));
  return [...new Set(parts)].join(' ');
}

function Input({ id, label, type = 'password', value, onInput, autocomplete, inputmode }) {
  return html`<div class="acct-field"><label for=${id}>${label}</label>
    <input id=${id} type=${type} value=${value} autocomplete=${autocomplete} inputmode=${inputmode} required
      onInput=${(ev) => onInput(ev.currentTarget.value)} /></div>`;
}

function PasswordForm() {
  const [cur, setCur] = useState('');
  const [pw, setPw] = useState('');
  const [again, setAgain] = useState('');
  const [msg, setMsg] = useState(null);
  const submit = async (ev) => {
    ev.preventDefault();
    if (pw !== again) { setMsg({ err: true, text: t('確認のパスワードが一致しません。', 'The passwords do not match.') }); return; }
    try {
      const s = await api('POST', '/auth/password.json', { currentPassword: cur, password: pw });
      setSession(s);
      setCur(''); setPw(''); setAgain('');
      setMsg({ err: false, text: t('パスワードを変更しました。ほかの端末のログインは終了しました。', 'Your password has been changed. Your sessions on other devices have ended.') });
    } catch (e) { setMsg({ err: true, text: message(e) }); }
  };
  return html`<section aria-labelledby="pw-title"><h2 id="pw-title">${t('パスワードの変更', 'Change password')}</h2>
    <form onSubmit=${submit} novalidate>
      <div role=${'alert'} class=${msg && msg.err ? 'acct-msg error-box' : 'acct-msg'}>${msg ? html`<p>${msg.text}</p>` : null}</div>
      <${Input} id="cur-password" label=${t('現在のパスワード', 'Current password')} value=${cur} onInput=${setCur} autocomplete="current-password" />
      <${Input} id="acct-new-password" label=${t('新しいパスワード', 'New password')} value=${pw} onInput=${setPw} autocomplete="new-password" />
      <${Input} id="acct-new-password2" label=${t('新しいパスワード（確認）', 'New password (again)')} value=${again} onInput=${setAgain} autocomplete="new-password" />
      <button type="submit" class="primary">${t('変更する', 'Change')}</button>
    </form></section>`;
}

function Mfa({ session }) {
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState(null);
  const [err, setErr] = useState('');
  const submit = async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('POST', '/auth/recovery-codes.json', { code: code.trim() });
      setCode(''); setErr('');
      setCodes(r.recoveryCodes);
    } catch (e) { setErr(message(e)); }
  };
  return html`<section aria-labelledby="mfa-title"><h2 id="mfa-title">${t('二要素認証', 'Two-factor authentication')}</h2>
    <p>${t('状態：', 'State: ')}${session.mfaEnabled ? html`<span class="chip ok-chip">${t('設定済み', 'Set up')}</span>` : html`<span class="chip">${t('未設定', 'Not set up')}</span>`}</p>
    ${codes ? html`<${RecoveryCodes} codes=${codes} onSaved=${() => setCodes(null)} />` : session.mfaEnabled ? html`
    <form onSubmit=${submit} novalidate>
      <p>${t('リカバリーコードを作り直すと、今までのリカバリーコードは使えなくなります。', 'New recovery codes replace the old ones: the old codes stop working.')}</p>
      <div role="alert" class=${err ? 'acct-msg error-box' : 'acct-msg'}>${err ? html`<p>${err}</p>` : null}</div>
      <${Input} id="rc-code" type="text" label=${t('認証アプリの6桁の確認コード', 'The 6-digit code from your authenticator app')} value=${code} onInput=${setCode} autocomplete="one-time-code" inputmode="numeric" />
      <button type="submit">${t('リカバリーコードを作り直す', 'Make new recovery codes')}</button>
    </form>` : null}
  </section>`;
}

function LogoutAll() {
  const [err, setErr] = useState('');
  const run = async () => {
    if (!confirm(t('すべての端末からログアウトします。よろしいですか？', 'You will be signed out on every device. Continue?'))) return;
    try {
      await api('POST', '/auth/logout-all.json', {});
      location.hash = '#/inbox';
      location.reload();
    } catch (e) { setErr(message(e)); }
  };
  return html`<section aria-labelledby="la-title"><h2 id="la-title">${t('すべての端末からログアウト', 'Sign out everywhere')}</h2>
    <p>${t('この端末を含め、あなたのアカウントのすべてのログインを終了します。', 'Ends every session of your account, this one included.')}</p>
    ${err ? html`<p class="error" role="alert">${err}</p>` : null}
    <button type="button" onClick=${run}>${t('すべての端末からログアウトする', 'Sign out on every device')}</button></section>`;
}

/* 表示の設定: language and date style, applied at once (no reload) and kept in this browser. */
function Display() {
  const p = usePrefs();
  const radio = (name, value, label, example) => html`<label class="acct-radio">
    <input type="radio" name=${name} value=${value} checked=${p[name] === value} onChange=${() => setPrefs({ [name]: value })} />
    ${label}${example ? html` <span class="muted">${t(`（例：${example}）`, `(e.g. ${example})`)}</span>` : null}</label>`;
  return html`<section aria-labelledby="disp-title"><h2 id="disp-title">${t('表示の設定', 'Display settings')}</h2>
    <p>${t('この端末のブラウザに保存されます。', 'Kept in this browser on this device.')}</p>
    <fieldset class="acct-choice"><legend>${t('言語', 'Language')}</legend>
      ${radio('lang', 'ja', html`<span lang="ja">日本語</span>`)}
      ${radio('lang', 'en', html`<span lang="en">English</span>`)}
    </fieldset>
    <fieldset class="acct-choice"><legend>${t('日付の表示', 'Dates')}</legend>
      ${radio('era', 'seireki', t('西暦', 'Western years'), '2026-11-26')}
      ${radio('era', 'wareki', t('和暦', 'Japanese era (wareki)'), t('令和8年11月26日', 'R8-11-26'))}
    </fieldset></section>`;
}

export default function Account({ session }) {
  useStyle('/assets/css/staff/inbox.css');
  useStyle('/assets/css/staff/account.css');
  return html`<h1>${t('アカウント', 'Account')}</h1>
    <p>${session.user.name}（${session.user.code}）</p>
    <${Display} /><${PasswordForm} /><${Mfa} session=${session} /><${LogoutAll} />`;
}
