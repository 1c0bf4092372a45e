// Sign-in: login + password, then whatever the session's stage asks for: a new password in
// place of a temporary one ("password"), TOTP enrolment with the recovery codes shown once
// ("enrol"), or a TOTP / recovery code ("mfa"). onDone(state) runs at stage "ok".
import { html, useState, useEffect, useRef } from '../lib/html.js';
import { api, setSession } from '../lib/api.js';
import { useStyle } from '../lib/style.js';
import { t, lang, setPrefs } from '../lib/i18n.js';

/* The server's message; its field errors (policy rules) listed under it. */
function errorText(e) {
  if (e.status === 401) return t('ログイン名またはパスワードが正しくありません。', 'The login or password is not correct.');
  const parts = [e.message];
  if (e.errors) for (const v of Object.values(e.errors)) parts.push(...(v.messages || []));
  return [...new Set(parts)].join(' ');
}

function Alert({ text }) {
  // the region exists from the start, so screen readers announce what appears in it
  return html`<div class="login-alert" role="alert">${text ? html`<p>${text}</p>` : null}</div>`;
}

function Field({ id, label, hint, type = 'text', value, onInput, autocomplete, inputmode, focus, invalid }) {
  const ref = useRef(null);
  useEffect(() => { if (focus && ref.current) ref.current.focus(); }, [focus]);
  return html`<div class="login-field">
    <label for=${id}>${label}</label>
    ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : null}
    <input ref=${ref} id=${id} name=${id} type=${type} value=${value} autocomplete=${autocomplete}
      inputmode=${inputmode} aria-describedby=${hint ? `${id}-hint` : null} aria-invalid=${invalid ? 'true' : null}
      required onInput=${(ev) => onInput(ev.currentTarget.value)} />
  </div>`;
}

/* form that runs fn on submit and shows its error; busy while it runs */
function useSubmit(fn) {
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    if (busy) return;
    setBusy(true);
    setErr('');
    try { await fn(); } catch (e) { setErr(errorText(e)); } finally { setBusy(false); }
  };
  return { err, busy, submit, setErr };
}

function Password({ onState }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const f = useSubmit(async () => {
    const s = await api('POST', '/auth/login.json', { login, password });
    setPassword('');
    onState(s);
  });
  return html`<form onSubmit=${f.submit} novalidate>
    <h1>${t('職員ログイン', 'Staff sign-in')}</h1>
    <${Alert} text=${f.err} />
    <${Field} id="login" label=${t('ログイン名', 'Login')} value=${login} onInput=${setLogin} autocomplete="username" focus=${true} />
    <${Field} id="password" label=${t('パスワード', 'Password')} type="password" value=${password} onInput=${setPassword} autocomplete="current-password" />
    <button type="submit" class="primary" disabled=${f.busy}>${t('ログイン', 'Sign in')}</button>
  </form>`;
}

function NewPassword({ onState }) {
  const [pw, setPw] = useState('');
  const [again, setAgain] = useState('');
  const f = useSubmit(async () => {
    if (pw !== again) throw { message: t('確認のパスワードが一致しません。', 'The passwords do not match.') };
    onState(await api('POST', '/auth/password.json', { password: pw }));
  });
  return html`<form onSubmit=${f.submit} novalidate>
    <h1>${t('パスワードの変更', 'Change your password')}</h1>
    <p>${t('仮のパスワードでログインしました。新しいパスワードを決めてください。', 'You signed in with a temporary password. Please choose a new password.')}</p>
    <${Alert} text=${f.err} />
    <${Field} id="new-password" label=${t('新しいパスワード', 'New password')} type="password" value=${pw} onInput=${setPw}
      autocomplete="new-password" focus=${true} invalid=${!!f.err}
      hint=${t('ログイン名と同じもの、最近使ったものは使えません。', 'It may not be your login or a password you used recently.')} />
    <${Field} id="new-password2" label=${t('新しいパスワード（確認）', 'New password (again)')} type="password" value=${again} onInput=${setAgain} autocomplete="new-password" />
    <button type="submit" class="primary" disabled=${f.busy}>${t('変更する', 'Change')}</button>
  </form>`;
}

/* base64 of UTF-8 text (the QR code SVG goes into an <img>, never into the DOM as markup) */
function b64(text) {
  const bytes = new TextEncoder().encode(text);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function RecoveryCodes({ codes, onSaved }) {
  const ref = useRef(null);
  useEffect(() => { ref.current && ref.current.focus(); }, []);
  return html`<section aria-labelledby="rc-title">
    <h1 id="rc-title" tabindex="-1" ref=${ref}>${t('リカバリーコード', 'Recovery codes')}</h1>
    <p>${t(`認証アプリを使えないときに、確認コードの代わりに使えます。各コードは1回だけ使えます。
      この画面を閉じると二度と表示されません。印刷するか、安全な場所に保存してください。`,
      `Use them in place of a confirmation code when you cannot use your authenticator app. Each code works once.
      They are never shown again after you close this screen: print them or keep them somewhere safe.`)}</p>
    <ol class="recovery-codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ol>
    <button type="button" class="primary" onClick=${onSaved}>${t('保存しました', 'I have saved them')}</button>
  </section>`;
}

function Enrol({ onState }) {
  const [setup, setSetup] = useState(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState(null);
  const [done, setDone] = useState(null);
  const start = useSubmit(async () => setSetup(await api('POST', '/auth/totp/setup.json', {})));
  useEffect(() => { start.submit({ preventDefault() {} }); }, []);
  const f = useSubmit(async () => {
    const s = await api('POST', '/auth/totp/confirm.json', { code: code.trim() });
    setSession(s);
    setCodes(s.recoveryCodes);
    setDone(s);
  });
  if (codes) return html`<${RecoveryCodes} codes=${codes} onSaved=${() => onState(done)} />`;
  return html`<form onSubmit=${f.submit} novalidate>
    <h1>${t('二要素認証の設定', 'Set up two-factor authentication')}</h1>
    <p>${t('スマートフォンの認証アプリ（Google Authenticator など）で次の QR コードを読み取ってください。',
      'Scan this QR code with the authenticator app on your smartphone (Google Authenticator or similar).')}</p>
    <${Alert} text=${f.err || start.err} />
    ${setup ? html`
      <img class="qr" alt=${t('認証アプリに登録する QR コード', 'QR code to add to your authenticator app')} src=${`data:image/svg+xml;base64,${b64(setup.qrSvg)}`} />
      <p>${t('読み取れないときは、次のキーを手で入力してください。', 'If it cannot be scanned, type in this key.')}</p>
      <p class="secret"><code>${setup.secret}</code></p>
      <${Field} id="enrol-code" label=${t('認証アプリに表示された6桁の確認コード', 'The 6-digit code shown in the authenticator app')} value=${code} onInput=${setCode}
        autocomplete="one-time-code" inputmode="numeric" focus=${true} invalid=${!!f.err} />
      <button type="submit" class="primary" disabled=${f.busy}>${t('設定を完了する', 'Finish setup')}</button>` : html`<p class="loading">${t('準備中…', 'Preparing…')}</p>`}
  </form>`;
}

function Mfa({ onState }) {
  const [code, setCode] = useState('');
  const f = useSubmit(async () => onState(await api('POST', '/auth/mfa.json', { code: code.trim() })));
  return html`<form onSubmit=${f.submit} novalidate>
    <h1>${t('確認コードの入力', 'Enter your confirmation code')}</h1>
    <${Alert} text=${f.err} />
    <${Field} id="mfa-code" label=${t('確認コード', 'Confirmation code')} value=${code} onInput=${setCode} autocomplete="one-time-code"
      hint=${t('認証アプリの6桁のコード、またはリカバリーコードを入力してください。', 'Enter the 6-digit code from your authenticator app, or a recovery code.')} focus=${true} invalid=${!!f.err} />
    <button type="submit" class="primary" disabled=${f.busy}>${t('確認する', 'Confirm')}</button>
  </form>`;
}

export default function Login({ session, onDone, reason }) {
  useStyle('/assets/css/staff/login.css');
  const [state, setState] = useState(session && session.stage !== 'ok' ? session : null);
  const next = (s) => {
    setSession(s);
    if (s.stage === 'ok') onDone(s);
    else setState(s);
  };
  const stage = state ? state.stage : 'login';
  // the language can be chosen before signing in; each choice is written in its own language
  const other = lang() === 'en' ? { code: 'ja', label: '日本語' } : { code: 'en', label: 'English' };
  return html`<main id="login-main" class="login">
    <p class="login-lang"><button type="button" class="link" lang=${other.code} onClick=${() => setPrefs({ lang: other.code })}>${other.label}</button></p>
    ${reason && stage === 'login' ? html`<p class="login-reason" role="status">${reason}</p>` : null}
    ${stage === 'login' ? html`<${Password} onState=${next} />`
      : stage === 'password' ? html`<${NewPassword} onState=${next} />`
      : stage === 'enrol' ? html`<${Enrol} onState=${next} />`
      : html`<${Mfa} onState=${next} />`}
  </main>`;
}
