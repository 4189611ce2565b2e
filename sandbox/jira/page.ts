import type { JiraState } from './state';

/** A plain page for a person exploring the sandbox: tickets, their comments and attachments, and move buttons. */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function renderBoard(state: JiraState): string {
  const users = [...state.users.values()];
  const tickets = [...state.issues.values()].map((issue) => {
    const comments = issue.comments.map((c) => `<li><small>${esc(c.created)} · ${esc(state.users.get(c.author)?.displayName ?? 'Erasure Desk')}</small><pre>${esc(c.text)}</pre></li>`).join('');
    const attachments = issue.attachments.map((a) => `<li><a href="/rest/api/3/attachment/content/${a.id}">${esc(a.filename)}</a> (${a.size} bytes, sha256 ${a.sha256.slice(0, 16)}…)</li>`).join('');
    const move = `<form method="post" action="/_sandbox/move"><input type="hidden" name="key" value="${esc(issue.key)}">
      <select name="to">${state.statuses.map((s) => `<option${s === issue.status ? ' selected' : ''}>${esc(s)}</option>`).join('')}</select>
      as <select name="actor">${users.map((u) => `<option value="${esc(u.accountId)}">${esc(u.displayName)}</option>`).join('')}</select>
      <button type="submit">Move</button></form>`;
    return `<section><h2>${esc(issue.key)} · ${esc(issue.summary)} <span class="status">${esc(issue.status)}</span></h2>${move}
      <h3>Comments</h3><ul>${comments || '<li>none</li>'}</ul><h3>Attachments</h3><ul>${attachments || '<li>none</li>'}</ul></section>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>Erasure Desk sandbox · Jira</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto}section{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}
.status{background:#0052cc;color:#fff;border-radius:3px;padding:0 .4rem;font-size:.8em}pre{white-space:pre-wrap;margin:.2rem 0}</style></head>
<body><h1>Erasure Desk sandbox: DSAR tickets</h1><p>Moving a ticket to <b>Approved</b> as a privacy officer starts the erasure (refresh to follow it).</p>${tickets.join('')}</body></html>`;
}
