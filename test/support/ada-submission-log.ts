import type { AdaSubmissionLog } from '../../src/providers/ada/cooldown';

/**
 * The submission log the app keeps in KVS (src/store/ada-submission-log.ts), in memory with the same rule:
 * hashed identifier → last submission, and resending the same reference keeps the first time.
 */
export function memoryAdaSubmissionLog(): AdaSubmissionLog & { size: () => number } {
  const m = new Map<string, { at: string; clientReference: string }>();
  return {
    lastSubmission: async (key) => m.get(key) ?? null,
    record: async (keys, at, clientReference) => {
      for (const k of keys) if (m.get(k)?.clientReference !== clientReference) m.set(k, { at, clientReference });
    },
    size: () => m.size,
  };
}
