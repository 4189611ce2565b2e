/**
 * What a scheduled trigger returns. Forge reads a scheduled trigger's result like a web trigger's and records
 * anything but `{ statusCode }` as a failed invocation
 * (https://developer.atlassian.com/platform/forge/manifest-reference/modules/scheduled-trigger/), so the run's
 * figures go to the log and the platform gets only the status.
 */
export interface ScheduledResult {
  statusCode: number;
}

export const SCHEDULED_OK: ScheduledResult = { statusCode: 200 };
