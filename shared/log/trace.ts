/** W3C trace context (`traceparent`) → the fields Cloud Logging correlates on. */
export interface TraceFields {
  'logging.googleapis.com/trace'?: string;
  'logging.googleapis.com/spanId'?: string;
  'logging.googleapis.com/trace_sampled'?: boolean;
  traceId?: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Parses a `traceparent` header. Invalid or all-zero ids yield no fields (a malformed header must
 * never break a request). With a project id the trace is the full Cloud Trace resource name.
 */
export function traceFields(traceparent: string | undefined, projectId?: string): TraceFields {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null;
  if (!match) return {};
  const [, version, traceId, spanId, flags] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return {};
  return {
    traceId,
    'logging.googleapis.com/trace': projectId ? `projects/${projectId}/traces/${traceId}` : traceId,
    'logging.googleapis.com/spanId': spanId,
    'logging.googleapis.com/trace_sampled': (parseInt(flags, 16) & 1) === 1,
  };
}
