import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type ComplianceRecord, verifyComplianceRecord } from '../src/core/compliance-record';

/**
 * `npm run verify -- FILE [--sha256 HEX] [--head HEX]`: checks a compliance record downloaded from a ticket
 * with the same verifier the app uses (hash chain from the ticket's genesis hash, and the summary recomputed
 * from the events), and prints what it covers. `--sha256` and `--head` are the values the summary comment
 * quotes: with them, a byte changed anywhere in the file, even in whitespace, is caught.
 * Exit codes: 0 verified, 1 not verified, 2 the file could not be read as JSON.
 */

export interface VerifyReport {
  ok: boolean;
  lines: string[];
}

export function verifyRecordFile(bytes: Buffer, expect: { sha256?: string; head?: string } = {}): VerifyReport {
  // The digest quoted on the ticket is SHA-256 over the attachment's bytes (the app's UTF-8 text).
  const fileHash = createHash('sha256').update(bytes).digest('hex');
  const lines = [`file SHA-256: ${fileHash}`];
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return {
      ok: false,
      lines: [
        ...lines,
        `NOT VERIFIED: the file is not JSON (${error instanceof Error ? error.message : String(error)})`,
      ],
    };
  }
  const verdict = verifyComplianceRecord(json);
  const problems = [...verdict.problems];
  if (expect.sha256 && expect.sha256.toLowerCase() !== fileHash)
    problems.push(`the file's SHA-256 is not the one quoted on the ticket (${expect.sha256})`);
  const record = json as Partial<ComplianceRecord>;
  if (expect.head && record.chain?.head !== expect.head.toLowerCase())
    problems.push(`the chain head is not the one quoted on the ticket (${expect.head})`);
  if (problems.length > 0) return { ok: false, lines: [...lines, 'NOT VERIFIED:', ...problems.map((p) => `  - ${p}`)] };
  return {
    ok: true,
    lines: [
      ...lines,
      ...describe(record as ComplianceRecord),
      `VERIFIED${expect.sha256 ? ' (file hash matches the ticket)' : ' (compare the file SHA-256 above with the one quoted in the ticket’s summary comment)'}`,
    ],
  };
}

function describe(r: ComplianceRecord): string[] {
  const first = r.events[0]?.at ?? '-';
  const last = r.events.at(-1)?.at ?? '-';
  const out = [
    `ticket: ${r.ticketKey} (record schema ${r.schemaVersion}, generated ${r.generatedAt})`,
    `hash chain: ${r.chain.length} events, ${first} to ${last}, head ${r.chain.head}`,
    `subject: fingerprint ${r.subject?.fingerprint ?? 'none'} (identifier kinds: ${r.subject?.identifierKinds.join(', ') || 'none'})`,
    `approval: ${r.approval ? `by ${r.approval.by} at ${r.approval.at}, four-eyes ${r.approval.fourEyes ? 'kept' : 'NOT kept'}` : 'none'}`,
  ];
  if (r.deadline) {
    const ext = r.deadline.extensions.map((e) => `+${e.months} month(s) by ${e.by}: ${e.reason}`).join('; ');
    out.push(
      `deadline (${r.deadline.rule}): received ${r.deadline.receivedOn}, due ${r.deadline.due}${ext ? ` after extensions (${ext})` : ''}; completed ${r.deadline.completedOn ?? 'not yet'}; met: ${r.deadline.met === null ? 'undecided' : r.deadline.met ? 'yes' : 'no'}`,
    );
  }
  for (const [provider, p] of Object.entries(r.providers)) {
    out.push(
      `provider ${provider}: ${p?.finalState ?? 'no outcome'} after ${p?.attempts ?? 0} attempt(s), ${p?.requests.length ?? 0} request(s)${p?.providerRefs.length ? `, refs ${p.providerRefs.join(', ')}` : ''}${p?.withheld.length ? `, withheld: ${p.withheld.map((w) => `${w.kind} (${w.reason})`).join(', ')}` : ''}`,
    );
  }
  for (const h of r.legalHolds)
    out.push(
      `legal hold ${h.holdId} on ${h.providers.join(', ')} until ${h.expiresOn ?? 'further notice'}: ${h.reason}`,
    );
  for (const d of r.downstream)
    out.push(
      `downstream ${d.system}: ${d.confirmedBy ? `confirmed by ${d.confirmedBy} at ${d.confirmedAt}${d.note ? ` (reference: ${d.note})` : ''}` : 'NOT confirmed'}`,
    );
  for (const x of r.retries) out.push(`retry by ${x.by} at ${x.at}: ${x.providers.join(', ')}`);
  out.push(`outcome: ${r.outcome ? `${r.outcome.outcome} (${r.outcome.status}) at ${r.outcome.at}` : 'open'}`);
  return out;
}

function main(argv: string[]): number {
  const args = [...argv];
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const [, value] = args.splice(i, 2);
    return value;
  };
  const expect = { sha256: flag('--sha256'), head: flag('--head') };
  const file = args[0];
  if (!file) {
    process.stderr.write('usage: npm run verify -- FILE [--sha256 HEX] [--head HEX]\n');
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const report = verifyRecordFile(bytes, {
    ...(expect.sha256 ? { sha256: expect.sha256 } : {}),
    ...(expect.head ? { head: expect.head } : {}),
  });
  for (const line of report.lines) process.stdout.write(`${line}\n`);
  return report.ok ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
