// Users: create, change role, disable/enable, reset password; signing keys: list and rotate
// (super_admin: admin:users:manage).
import { useEffect, useState } from '../vendor/hooks.mjs';
import { api } from '../api.js';
import { ROLES } from '../roles.js';
import { can, session } from '../session.js';
import { ConfirmButton, html, Problem, time, usePagedList } from '../ui.js';

/** A key's state in words: the current key signs; a retired one verifies until the overlap ends. */
const keyState = (key) => (key.retiredAt === null ? 'current (signs new tokens)' : key.published ? 'retired, still verifies' : 'retired, no longer verifies');

/**
 * Token-signing keys (kid, algorithm, created, state; never key material) and rotation: a new key
 * signs from now on, tokens signed by the previous one verify until the overlap ends.
 */
function SigningKeys() {
  const [keys, setKeys] = useState(null);
  const [error, setError] = useState(null);
  const [rotated, setRotated] = useState(null);
  useEffect(() => {
    let stopped = false;
    api('/admin/signing-keys')
      .then((result) => !stopped && (setKeys(result.keys), setError(null)))
      .catch((failure) => !stopped && setError(failure));
    return () => {
      stopped = true;
    };
  }, []);
  const done = (result) => {
    setKeys(result.keys);
    setRotated(result.kid);
  };
  return html`<section class="signing-keys" aria-labelledby="signing-keys-heading">
    <h2 id="signing-keys-heading">Signing keys</h2>
    <div class="actions">
      <${ConfirmButton}
        label="Rotate signing key"
        question="Make a new signing key? Tokens signed by the current one keep verifying until the overlap ends."
        action=${() => api('/admin/signing-keys/rotate', { method: 'POST' })}
        onDone=${done}
      />
      ${rotated ? html`<span class="note" role="status" id="rotated-kid">Rotated: the new current key is <span class="mono">${rotated}</span>.</span>` : null}
    </div>
    <${Problem} error=${error} />
    <div class="table-wrap">
      <table class="stack-narrow">
        <caption class="visually-hidden">Signing keys, current first</caption>
        <thead><tr><th scope="col">Key id (kid)</th><th scope="col">Algorithm</th><th scope="col">Created</th><th scope="col">State</th></tr></thead>
        <tbody>
          ${(keys ?? []).map(
            (key) => html`<tr key=${key.kid} data-kid=${key.kid} class=${key.retiredAt === null ? 'live' : undefined}>
              <td class="mono kid" data-label="Key id">${key.kid}</td><td data-label="Algorithm">${key.algorithm}</td><td data-label="Created">${time(key.createdAt)}</td>
              <td data-label="State"><span>${keyState(key)}${key.retiredAt ? html`<span class="small"> since ${time(key.retiredAt)}</span>` : null}</span></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

function CreateUser({ onCreated }) {
  const [error, setError] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(null);
    try {
      await api('/admin/users', { method: 'POST', body: { username: form.get('username'), password: form.get('password'), role: form.get('role') } });
      formElement.reset();
      onCreated();
    } catch (failure) {
      setError(failure);
    }
  };
  return html`<form class="inline-form" onSubmit=${submit} aria-label="Create user">
    <h2>Create user</h2>
    <label>New username <input name="username" required autocomplete="off" /></label>
    <label>Initial password <input name="password" type="password" required minlength="12" autocomplete="new-password" /></label>
    <label>Role <select name="role">${ROLES.map((role) => html`<option value=${role}>${role}</option>`)}</select></label>
    <button type="submit">Create user</button>
    <${Problem} error=${error} />
  </form>`;
}

function UserRow({ user, onChanged }) {
  const [error, setError] = useState(null);
  const [password, setPassword] = useState('');
  const self = user.id === session()?.userId;
  const call = (path, body) => api(`/admin/users/${user.id}/${path}`, { method: path === 'role' ? 'PATCH' : 'POST', body });
  const changeRole = async (event) => {
    setError(null);
    try {
      await call('role', { role: event.currentTarget.value });
      onChanged();
    } catch (failure) {
      setError(failure);
    }
  };
  return html`<tr>
    <td data-label="Username">${user.username}</td>
    <td data-label="Role"><select aria-label=${`Role of ${user.username}`} value=${user.role} disabled=${self} onChange=${changeRole}>${ROLES.map((role) => html`<option value=${role}>${role}</option>`)}</select></td>
    <td data-label="Status">${user.disabled ? 'disabled' : 'active'}</td>
    <td data-label="Created">${time(user.createdAt)}</td>
    <td data-label="Actions" class="row-actions">
      ${self
        ? html`<span>(you)</span>`
        : user.disabled
          ? html`<${ConfirmButton} label=${`Enable ${user.username}`} question="Let this user sign in again?" action=${() => call('enable')} onDone=${onChanged} />`
          : html`<${ConfirmButton} label=${`Disable ${user.username}`} question="Disable and end every session of this user?" action=${() => call('disable')} onDone=${onChanged} />`}
      <span class="password-reset">
        <input type="password" aria-label=${`New password for ${user.username}`} value=${password} onInput=${(event) => setPassword(event.currentTarget.value)} autocomplete="new-password" minlength="12" />
        <${ConfirmButton} label=${`Reset password of ${user.username}`} question="Set this password?" disabled=${password.length === 0} action=${() => call('password', { password })} onDone=${() => setPassword('')} />
      </span>
      <${Problem} error=${error} />
    </td>
  </tr>`;
}

export function UsersPage() {
  const { page, error, reload, pager } = usePagedList('/admin/users', { limit: 25 });
  return html`<section aria-labelledby="users-heading">
    <h1 id="users-heading">Users</h1>
    <${CreateUser} onCreated=${reload} />
    <${Problem} error=${error} />
    <div class="table-wrap">
      <table class="stack-narrow">
        <thead><tr><th scope="col">Username</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Actions</th></tr></thead>
        <tbody>${(page?.items ?? []).map((user) => html`<${UserRow} key=${user.id} user=${user} onChanged=${reload} />`)}</tbody>
      </table>
    </div>
    ${pager}
    ${can('admin:users:manage') ? html`<${SigningKeys} />` : null}
  </section>`;
}
