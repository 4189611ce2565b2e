import { approvalInbox } from '../../src/store/approval-inbox';
import { storagePlatform } from '../support/storage-platform';

/** The approval inbox on the Forge storage emulator, through the real `@forge/kvs` client. */

const emulator = storagePlatform();

const entry = (changelogId: string, toStatus: string, receivedAt: string) => ({
  ticketKey: 'DSAR-7',
  changelogId,
  toStatus,
  receivedAt,
  sweepFailures: 0,
});

describe('the approval inbox', () => {
  it('keeps an approval when a later status change of the same ticket comes and goes, delivered in any order', async () => {
    await approvalInbox.put(entry('301', 'Approved', '2026-11-25T09:00:00.000Z'));
    // Jira delivered the earlier move out of order: it arrives after the approval and is handled at once.
    await approvalInbox.put(entry('300', 'Verifying identity', '2026-11-25T09:00:01.000Z'));
    await approvalInbox.remove('DSAR-7', '300');

    expect(await approvalInbox.forTicket('DSAR-7')).toEqual([entry('301', 'Approved', '2026-11-25T09:00:00.000Z')]);
    expect(await approvalInbox.forTicket('DSAR-70')).toEqual([]);
  });

  it('lists the entries received before a time, oldest first, and stores no account id', async () => {
    await approvalInbox.put({ ...entry('401', 'Approved', '2026-11-25T09:10:00.000Z'), ticketKey: 'DSAR-9' });
    await approvalInbox.put(entry('301', 'Approved', '2026-11-25T09:00:00.000Z'));
    await approvalInbox.put({ ...entry('501', 'Approved', '2026-11-25T09:30:00.000Z'), ticketKey: 'DSAR-1' });

    const stale = await approvalInbox.receivedBefore('2026-11-25T09:20:00.000Z', 10);
    expect(stale.map((a) => `${a.ticketKey}:${a.changelogId}`)).toEqual(['DSAR-7:301', 'DSAR-9:401']);
    const plain = emulator.platform.kvs.contents(0).plain;
    expect(Object.keys(plain).filter((k) => k.startsWith('pd-'))).toEqual([]);
  });
});
