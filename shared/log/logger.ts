import { pino, type DestinationStream, type Logger } from 'pino';
import { traceFields } from './trace';

export type { Logger } from 'pino';

/** pino level → Cloud Logging severity. */
const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Used to build Cloud Trace resource names; optional. */
  projectId?: string;
  /** Where lines go (stdout by default); tests pass a stream. */
  destination?: DestinationStream;
}

/** JSON lines with `severity`, `message`, ISO `time` and the service name. */
export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      messageKey: 'message',
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }),
      },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

/** The attributes of a CloudEvent that every event log line carries. */
export interface EventIdentity {
  id: string;
  type: string;
  source: string;
  traceparent?: unknown;
}

/** A child logger for one CloudEvent: its id, type and source, and the trace it belongs to. */
export function eventLogger(log: Logger, event: EventIdentity, projectId?: string): Logger {
  const traceparent = typeof event.traceparent === 'string' ? event.traceparent : undefined;
  return log.child({
    ceId: event.id,
    ceType: event.type,
    ceSource: event.source,
    ...traceFields(traceparent, projectId),
  });
}

/** A child logger for one HTTP request, correlated by its `traceparent` header. */
export function requestLogger(
  log: Logger,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  projectId?: string,
): Logger {
  const header = headers['traceparent'];
  return log.child(traceFields(Array.isArray(header) ? header[0] : header, projectId));
}
