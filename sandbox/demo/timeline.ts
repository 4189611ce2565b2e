import type { World } from '../world';

/** A ticket's story as a person would read it in Jira: status changes, comments, attachments, in time order. */
export function timeline(world: World, ticket: string): string[] {
  const issue = world.jira.state.issues.get(ticket);
  if (!issue) return [`${ticket}: missing`];
  const name = (id: string) =>
    world.jira.state.users.get(id)?.displayName ?? (id.includes('erasure-desk') ? 'Erasure Desk' : id);
  const entries: Array<{ at: string; text: string }> = [
    ...issue.history.map((h) => ({ at: h.at, text: `status ${h.from} → ${h.to} (by ${name(h.by)})` })),
    ...issue.comments.map((c) => ({
      at: c.created,
      text: `comment by ${name(c.author)}:\n${c.text
        .trimEnd()
        .split('\n')
        .map((l) => `      ${l}`)
        .join('\n')}`,
    })),
    ...issue.attachments.map((a) => ({
      at: a.created,
      text: `attachment ${a.filename} (${a.size} bytes, sha256 ${a.sha256})`,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return [
    `${issue.key} · ${issue.summary} · now ${issue.status}`,
    ...entries.map((e) => `  ${e.at.slice(0, 16).replace('T', ' ')}  ${e.text}`),
  ];
}
