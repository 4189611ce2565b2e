import type { JiraState } from './state';

/**
 * The pages a person explores the sandbox with, served by the Jira emulator: the DSAR tickets (fields, status,
 * move buttons, comments, downloadable attachments) with the Erasure Desk panel beside each one, and the admin
 * page under its own link. Both app screens are the real UI Kit resources in frames of the sandbox's UI Kit host
 * (sandbox/ui-host/), running as the user chosen at the top of the page.
 */
const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export const PANEL_MODULE = 'erasure-desk-panel';
export const ADMIN_MODULE = 'erasure-desk-admin';
/** Whom the page acts as when none is chosen: the privacy officer, who uses the panel. */
const DEFAULT_VIEWER = '712020:officer-priya';

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;color:#172b4d;background:#f7f8f9}
header{background:#fff;border-bottom:1px solid #dcdfe4;padding:.6rem 1.5rem;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
header h1{font-size:1.1rem;margin:0}main{max-width:1280px;margin:0 auto;padding:1rem 1.5rem}
.ticket{display:grid;grid-template-columns:minmax(0,1fr) 440px;gap:1rem;background:#fff;border:1px solid #dcdfe4;border-radius:6px;padding:1rem;margin:1rem 0}
.ticket h2{font-size:1.05rem;margin:0 0 .5rem}.status{background:#0c66e4;color:#fff;border-radius:3px;padding:0 .4rem;font-size:.8em;white-space:nowrap}
table.fields{border-collapse:collapse;font-size:.9em;margin:.4rem 0}table.fields th{text-align:left;color:#44546f;font-weight:500;padding:.1rem .8rem .1rem 0}
pre{white-space:pre-wrap;margin:.2rem 0;font-family:inherit}ul.comments{padding-left:1rem;max-height:420px;overflow:auto}
.panel{border:1px solid #dcdfe4;border-radius:6px;background:#fff;align-self:start}.panel h3{margin:0;padding:.4rem .6rem;font-size:.9rem;border-bottom:1px solid #dcdfe4;background:#f7f8f9}
iframe{border:0;width:100%;min-height:120px;display:block}.admin iframe{min-height:600px}
.admin{background:#fff;border:1px solid #dcdfe4;border-radius:6px;margin:1rem 0}`;

/** Frames grow to their content: the host inside each frame posts its height. */
const FRAME_SIZER = `<script>addEventListener('message',function(e){var d=e.data;if(!d||typeof d.uiHostHeight!=='number')return;
var f=document.querySelectorAll('iframe');for(var i=0;i<f.length;i++){if(f[i].contentWindow===e.source){f[i].style.height=(d.uiHostHeight+4)+'px';}}});</script>`;

function viewerOf(state: JiraState, as: string | null): string {
  return as && state.users.has(as)
    ? as
    : state.users.has(DEFAULT_VIEWER)
      ? DEFAULT_VIEWER
      : ([...state.users.keys()][0] ?? '');
}

function header(state: JiraState, viewer: string, here: '/' | '/admin'): string {
  const users = [...state.users.values()]
    .map(
      (u) =>
        `<option value="${esc(u.accountId)}"${u.accountId === viewer ? ' selected' : ''}>${esc(u.displayName)}</option>`,
    )
    .join('');
  const q = `?as=${encodeURIComponent(viewer)}`;
  return `<header><h1>Erasure Desk sandbox · Jira</h1><nav><a href="/${q}">DSAR tickets</a> · <a href="/admin${q}" id="admin-link">Apps → Erasure Desk (admin)</a></nav>
<form method="get" action="${here}" id="viewer-form">Viewing as <select name="as" id="viewer" onchange="this.form.submit()">${users}</select><noscript><button>Switch</button></noscript></form></header>`;
}

function fieldValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

export function renderBoard(state: JiraState, as: string | null = null): string {
  const viewer = viewerOf(state, as);
  const q = `as=${encodeURIComponent(viewer)}`;
  const users = [...state.users.values()];
  const tickets = [...state.issues.values()]
    .filter((issue) => state.canBrowse(viewer, issue.projectKey))
    .map((issue) => {
      const name = (id: string) =>
        id === 'app' ? 'Erasure Desk' : (state.users.get(id)?.displayName ?? 'Erasure Desk');
      const comments = issue.comments
        .map((c) => `<li><small>${esc(c.created)} · ${esc(name(c.author))}</small><pre>${esc(c.text)}</pre></li>`)
        .join('');
      const attachments = issue.attachments
        .map(
          (a) =>
            `<li><a href="/_sandbox/attachment/${a.id}?${q}" download="${esc(a.filename)}">${esc(a.filename)}</a> (${a.size} bytes, sha256 <code>${a.sha256.slice(0, 16)}…</code>)</li>`,
        )
        .join('');
      const fields = state.fields
        .map((f) => ({ f, v: fieldValue(issue.customFields[f.id]) }))
        .filter(({ v }) => v !== '')
        .map(({ f, v }) => `<tr><th>${esc(f.name)}</th><td>${esc(v)}</td></tr>`)
        .join('');
      const move = `<form method="post" action="/_sandbox/move" class="move"><input type="hidden" name="key" value="${esc(issue.key)}">
      <select name="to" aria-label="Status">${state.statuses.map((s) => `<option${s === issue.status ? ' selected' : ''}>${esc(s)}</option>`).join('')}</select>
      as <select name="actor" aria-label="Actor">${users.map((u) => `<option value="${esc(u.accountId)}"${u.accountId === viewer ? ' selected' : ''}>${esc(u.displayName)}</option>`).join('')}</select>
      <button type="submit">Move</button></form>`;
      const frame = `/_ui/frame/${PANEL_MODULE}?issue=${encodeURIComponent(issue.key)}&${q}`;
      return `<section class="ticket" id="${esc(issue.key)}" data-status="${esc(issue.status)}"><div><h2>${esc(issue.key)} · ${esc(issue.summary)} <span class="status">${esc(issue.status)}</span></h2>
      ${move}<table class="fields">${fields || '<tr><td>no DSAR fields filled in</td></tr>'}</table>
      <h3>Attachments</h3><ul class="attachments">${attachments || '<li>none</li>'}</ul><h3>Comments</h3><ul class="comments">${comments || '<li>none</li>'}</ul></div>
      <aside class="panel"><h3>Erasure Desk</h3><iframe title="Erasure Desk panel for ${esc(issue.key)}" name="panel-${esc(issue.key)}" src="${frame}"></iframe></aside></section>`;
    });
  return `<!doctype html><html><head><meta charset="utf-8"><title>Erasure Desk sandbox · Jira</title><style>${STYLE}</style></head>
<body>${header(state, viewer, '/')}<main><p>Moving a ticket to <b>Approved</b> as a privacy officer starts the erasure; the panel beside each ticket follows it
(reload the page for new comments and attachments).</p>${tickets.join('') || '<p>No tickets this user can browse.</p>'}</main>${FRAME_SIZER}</body></html>`;
}

export function renderAdminPage(state: JiraState, as: string | null = null): string {
  const viewer = viewerOf(state, as);
  const frame = `/_ui/frame/${ADMIN_MODULE}?as=${encodeURIComponent(viewer)}`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Erasure Desk · Jira administration</title><style>${STYLE}</style></head>
<body>${header(state, viewer, '/admin')}<main><h2>Apps → Erasure Desk</h2><div class="admin"><iframe title="Erasure Desk admin page" name="admin" src="${frame}"></iframe></div></main>${FRAME_SIZER}</body></html>`;
}
