/**
 * Packs erasure subjects into shared provider jobs (pure). A provider that takes many identifiers per job
 * (Ada's Bulk End-User Deletion: 1..1,000 identifiers, body ≤ 512 KB) states its limits; one member whose
 * identifiers the job could reject must never share a job (Ada fails the whole job), so the caller leaves
 * those out, and a member repeating an identifier already in the batch waits for the next one (the same
 * identifier twice in one job would be reported `duplicate` for one of the two tickets).
 */

export interface BatchLimits {
  maxIdentifiers: number;
  maxBodyBytes: number;
}

export interface BatchMember<T> {
  item: T;
  /** Digests of the member's identifiers (never the identifiers). */
  digests: readonly string[];
  /** The member's identifiers' share of the request body, in bytes. */
  bytes: number;
}

export interface BatchPlan<T> {
  batches: Array<Array<BatchMember<T>>>;
  /** Members sharing an identifier with an earlier member: for a later batch. */
  later: Array<BatchMember<T>>;
}

/** Fixed part of the body around the identifiers (`{"identifiers":[],"client_reference":"…"}`). */
const ENVELOPE_BYTES = 128;

export function planBatches<T>(members: ReadonlyArray<BatchMember<T>>, limits: BatchLimits): BatchPlan<T> {
  const batches: Array<Array<BatchMember<T>>> = [];
  const later: Array<BatchMember<T>> = [];
  const seen = new Set<string>();
  let current: Array<BatchMember<T>> = [];
  let count = 0;
  let bytes = ENVELOPE_BYTES;
  for (const member of members) {
    if (member.digests.length === 0) continue;
    if (member.digests.some((d) => seen.has(d)) || new Set(member.digests).size !== member.digests.length) {
      later.push(member);
      continue;
    }
    if (member.digests.length > limits.maxIdentifiers || ENVELOPE_BYTES + member.bytes > limits.maxBodyBytes) {
      throw new RangeError(
        `one member has ${member.digests.length} identifiers (${member.bytes} bytes), more than a job can carry`,
      );
    }
    if (count + member.digests.length > limits.maxIdentifiers || bytes + member.bytes > limits.maxBodyBytes) {
      batches.push(current);
      current = [];
      count = 0;
      bytes = ENVELOPE_BYTES;
    }
    current.push(member);
    for (const d of member.digests) seen.add(d);
    count += member.digests.length;
    bytes += member.bytes;
  }
  if (current.length > 0) batches.push(current);
  return { batches, later };
}
