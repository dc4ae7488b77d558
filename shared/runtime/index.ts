/** How a function is served: the Functions Framework's server behind MultiVAC's guards. */
export { createFunctionServer, type FunctionServerOptions, type Signature } from './server';
export { listen } from './listen';
export { runFunction, type RunningFunction } from './main';
export { readBody, BodyTooLargeError } from './body';
export { lazy, once } from './lazy';
export { afterListening } from './warm-up';
export {
  functionContext,
  databaseFor,
  redisFor,
  sinkEmitter,
  type FunctionContext,
} from './context';
export {
  eventFunction,
  type EventHandler,
  type EventFunctionOptions,
  type Handled,
} from './event-handler';
