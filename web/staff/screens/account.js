// アカウント: change my password, my second factor's state, new recovery codes, and ending
// every session of my account (e.g. after leaving a shared PC signed in).
import { html, useState } from '../lib/html.js';
import { api, setSession } from '../lib/api.js';
import { useStyle } from '../lib/style.js';
import { RecoveryCodes } from './login.js';

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
    if (pw !== again) { setMsg({ err: true, text: '確認のパスワードが一致しません。' }); return; }
    try {
      const s = await api('POST', '/auth/password.json', { currentPassword: cur, password: pw });
      setSession(s);
      setCur(''); setPw(''); setAgain('');
      setMsg({ err: false, text: 'パスワードを変更しました。ほかの端末のログインは終了しました。' });
    } catch (e) { setMsg({ err: true, text: message(e) }); }
  };
  return html`<section aria-labelledby="pw-title"><h2 id="pw-title">パスワードの変更</h2>
    <form onSubmit=${submit} novalidate>
      <div role=${'alert'} class=${msg && msg.err ? 'acct-msg error-box' : 'acct-msg'}>${msg ? html`<p>${msg.text}</p>` : null}</div>
      <${Input} id="cur-password" label="現在のパスワード" value=${cur} onInput=${setCur} autocomplete="current-password" />
      <${Input} id="acct-new-password" label="新しいパスワード" value=${pw} onInput=${setPw} autocomplete="new-password" />
      <${Input} id="acct-new-password2" label="新しいパスワード（確認）" value=${again} onInput=${setAgain} autocomplete="new-password" />
      <button type="submit" class="primary">変更する</button>
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
  return html`<section aria-labelledby="mfa-title"><h2 id="mfa-title">二要素認証</h2>
    <p>状態：${session.mfaEnabled ? html`<span class="chip ok-chip">設定済み</span>` : html`<span class="chip">未設定</span>`}</p>
    ${codes ? html`<${RecoveryCodes} codes=${codes} onSaved=${() => setCodes(null)} />` : session.mfaEnabled ? html`
    <form onSubmit=${submit} novalidate>
      <p>リカバリーコードを作り直すと、今までのリカバリーコードは使えなくなります。</p>
      <div role="alert" class=${err ? 'acct-msg error-box' : 'acct-msg'}>${err ? html`<p>${err}</p>` : null}</div>
      <${Input} id="rc-code" type="text" label="認証アプリの6桁の確認コード" value=${code} onInput=${setCode} autocomplete="one-time-code" inputmode="numeric" />
      <button type="submit">リカバリーコードを作り直す</button>
    </form>` : null}
  </section>`;
}

function LogoutAll() {
  const [err, setErr] = useState('');
  const run = async () => {
    if (!confirm('すべての端末からログアウトします。よろしいですか？')) return;
    try {
      await api('POST', '/auth/logout-all.json', {});
      location.hash = '#/inbox';
      location.reload();
    } catch (e) { setErr(message(e)); }
  };
  return html`<section aria-labelledby="la-title"><h2 id="la-title">すべての端末からログアウト</h2>
    <p>この端末を含め、あなたのアカウントのすべてのログインを終了します。</p>
    ${err ? html`<p class="error" role="alert">${err}</p>` : null}
    <button type="button" onClick=${run}>すべての端末からログアウトする</button></section>`;
}

export default function Account({ session }) {
  useStyle('/assets/css/staff/inbox.css');
  useStyle('/assets/css/staff/account.css');
  return html`<h1>アカウント</h1>
    <p>${session.user.name}（${session.user.code}）</p>
    <${PasswordForm} /><${Mfa} session=${session} /><${LogoutAll} />`;
}
