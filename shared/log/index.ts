/** Structured logging: pino JSON lines for Cloud Logging. */
export {
  createLogger,
  eventLogger,
  requestLogger,
  type Logger,
  type LoggerOptions,
  type EventIdentity,
} from './logger';
export { traceFields, type TraceFields } from './trace';
