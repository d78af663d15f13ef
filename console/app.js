// The console's entry: session restore (refresh cookie → access token in memory), the sign-in
// form, navigation by URL hash, and the pages each role may open.
import { render } from './vendor/preact.mjs';
import { useEffect, useState } from './vendor/hooks.mjs';
import { startFeed, stopFeed, onFeedStatus } from './feed.js';
import { can, onSessionChange, refresh, session, signIn, signOut } from './session.js';
import { html, Problem } from './ui.js';
import { OverviewPage } from './pages/overview.js';
import { JobsPage } from './pages/jobs.js';
import { JobDetailPage } from './pages/job-detail.js';
import { BatchesPage } from './pages/batches.js';
import { IndexVersionsPage } from './pages/index-versions.js';
import { DocumentsPage } from './pages/documents.js';
import { UsersPage } from './pages/users.js';
import { AuditPage } from './pages/audit.js';

/** Pages in navigation order: hash path, link name, the permission that opens it. */
const PAGES = [
  { path: 'overview', name: 'Overview', permission: 'admin:metrics:view', view: OverviewPage },
  { path: 'jobs', name: 'Jobs', permission: 'admin:jobs:view', view: JobsPage },
  { path: 'batches', name: 'Batch progress', permission: 'admin:jobs:view', view: BatchesPage },
  { path: 'index', name: 'Index versions', permission: 'admin:jobs:view', view: IndexVersionsPage },
  { path: 'documents', name: 'Documents', permission: 'admin:index:manage', view: DocumentsPage },
  { path: 'users', name: 'Users', permission: 'admin:users:manage', view: UsersPage },
  { path: 'audit', name: 'Audit log', permission: 'admin:audit:view', view: AuditPage },
];

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash.replace(/^#\/?/, '');
}

function SignIn() {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await signIn(String(form.get('username') ?? ''), String(form.get('password') ?? ''));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="sign-in">
    <h1>APFA console</h1>
    <form onSubmit=${submit} aria-label="Sign in">
      <label for="username">Username</label>
      <input id="username" name="username" autocomplete="username" required />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <button type="submit" disabled=${busy}>Sign in</button>
      <${Problem} error=${error} />
    </form>
  </main>`;
}

function FeedBadge() {
  const [status, setStatus] = useState('closed');
  useEffect(() => onFeedStatus(setStatus), []);
  if (!can('admin:jobs:view')) return null;
  return html`<span class=${`feed feed-${status}`} role="status" aria-label="Live feed">Live feed: ${status}</span>`;
}

function Shell({ user }) {
  const route = useHash();
  const pages = PAGES.filter((page) => can(page.permission));
  const [first, ...rest] = route.split('/');
  const page = pages.find((candidate) => candidate.path === first) ?? pages[0];
  const detail = first === 'jobs' && rest.length === 2 && can('admin:jobs:view');
  useEffect(() => {
    document.title = `${detail ? 'Job' : (page?.name ?? 'Console')} · APFA console`;
  }, [route]);
  const View = detail ? JobDetailPage : page?.view;
  return html`<div class="shell">
    <header>
      <span class="brand">APFA console</span>
      <nav aria-label="Pages">
        ${pages.map((candidate) => html`<a href=${`#/${candidate.path}`} aria-current=${candidate === page && !detail ? 'page' : undefined}>${candidate.name}</a>`)}
      </nav>
      <span class="who"><span>${user.username}</span> <span class="role">(${user.role})</span></span>
      <${FeedBadge} />
      <button type="button" onClick=${() => signOut()}>Sign out</button>
    </header>
    <main id="main">
      ${View
        ? html`<${View} key=${route} params=${rest.map(decodeURIComponent)} />`
        : html`<p>This account (role ${user.role}) may not use the console.</p>`}
    </main>
  </div>`;
}

function App() {
  const [state, setState] = useState({ loading: true, user: session() });
  useEffect(() => {
    const off = onSessionChange((user) => {
      setState({ loading: false, user });
      if (user && can('admin:jobs:view')) startFeed();
      if (!user) stopFeed();
    });
    // A reload keeps the session: the HttpOnly cookie is exchanged for a new access token.
    void refresh().then((ok) => {
      if (!ok) setState({ loading: false, user: null });
    });
    return off;
  }, []);
  if (state.loading) return html`<p class="boot" role="status">Restoring session…</p>`;
  return state.user ? html`<${Shell} user=${state.user} />` : html`<${SignIn} />`;
}

render(html`<${App} />`, document.getElementById('app'));
