import { verifyAuditChain } from '../../src/core/audit';
import { auditStore } from '../../src/store/audit-store';
import { storagePlatform } from '../support/storage-platform';

/** The audit trail on the Forge storage emulator, through the real `@forge/kvs` client. */

storagePlatform();

const at = '2026-11-25T09:00:00.000Z';
const approved = (by: string) => ({ at, kind: 'approved' as const, data: { by, fourEyes: true } });

describe('the audit trail', () => {
  it('appends an entry naming an actor once when it is appended again "if missing", though each commitment is salted afresh', async () => {
    await auditStore.append('DSAR-4', [
      { at, kind: 'case_opened', data: { source: 'jira', receivedOn: '2026-11-20' } },
      approved('acc-officer'),
    ]);
    // An approval finished after a crash appends what it owes again.
    await auditStore.appendMissing('DSAR-4', [
      { at, kind: 'case_opened', data: { source: 'jira', receivedOn: '2026-11-20' } },
      approved('acc-officer'),
    ]);
    // Another actor, or another time, is another entry.
    await auditStore.appendMissing('DSAR-4', [approved('acc-other-officer')]);

    const events = await auditStore.list('DSAR-4');
    expect(events.map((e) => e.kind)).toEqual(['case_opened', 'approved', 'approved']);
    const actors = await Promise.all(
      events.filter((e) => e.kind === 'approved').map((e) => auditStore.openActor((e.data as { by: string }).by)),
    );
    expect(actors.map((a) => a?.accountId)).toEqual(['acc-officer', 'acc-other-officer']);
    expect(verifyAuditChain('DSAR-4', events).ok).toBe(true);
  });
});
