import type { Subject } from '../../core/subject';
import type { AmiqusClient } from './schemas';

/**
 * Whether the Amiqus client a ticket names is that ticket's subject. A DELETE cannot be undone, and the
 * client id is typed by a person (or copied from another system): one wrong digit would erase someone else's
 * identity checks, files and records, itself a personal data breach (GDPR Art. 4(12)). So before deleting,
 * the client Amiqus returns is compared with what the ticket holds: the email where both have one (the
 * identifier Amiqus and the ticket share), else the name. Where neither pair exists the id alone decides, as
 * the approver approved it, and the record says nothing was compared. The result names what was compared,
 * never the values, so it can go into the compliance record and the ticket's comment.
 */
export type ClientMatch =
  { matches: true; by: 'email' | 'name' | null } | { matches: false; differs: 'email' | 'name' };

export function matchClientToSubject(subject: Subject, client: AmiqusClient): ClientMatch {
  const clientEmail = client.email?.trim().toLowerCase();
  if (subject.email && clientEmail)
    return subject.email === clientEmail ? { matches: true, by: 'email' } : { matches: false, differs: 'email' };
  if (subject.fullName) {
    const wanted = comparableName(subject.fullName);
    const names = [client.name.full_name, `${client.name.first_name} ${client.name.last_name}`]
      .map((n) => (n ? comparableName(n) : ''))
      .filter((n) => n !== '');
    if (names.length > 0)
      return names.includes(wanted) ? { matches: true, by: 'name' } : { matches: false, differs: 'name' };
  }
  return { matches: true, by: null };
}

/**
 * A name as two systems may both write it: accents, case, punctuation and the order of its parts set aside
 * ("Zoë O'Brien-Smith" and "OBRIEN SMITH, Zoe" compare equal), its letters and their grouping kept.
 */
function comparableName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((part) => part !== '')
    .sort()
    .join(' ');
}
