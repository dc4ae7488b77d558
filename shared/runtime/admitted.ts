import { AsyncLocalStorage } from 'node:async_hooks';
import type { MultivacEvent } from '../events/index';

/**
 * The CloudEvent the function's server has read and validated for the request being handled:
 * the handler takes it as it is rather than parsing and validating the event a second time.
 */
export const admittedEvent = new AsyncLocalStorage<MultivacEvent>();
