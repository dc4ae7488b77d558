import type * as z from '../zod/index';

/** An event that is not a valid MultiVAC event: a permanent failure, never worth a retry. */
export class EventValidationError extends Error {
  override name = 'EventValidationError';
}

/** Raised when the sink did not accept an event; `retryable` mirrors the Knative data plane. */
export class EmitError extends Error {
  override name = 'EmitError';
  constructor(
    message: string,
    readonly status?: number,
    readonly retryable = true,
  ) {
    super(message);
  }
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : 'data'}: ${i.message}`).join('; ');
}
