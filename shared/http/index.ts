/** HTTP helpers for functions: problem+json, limits, validation, negotiation, routing. */
export { HttpError, problem, problemDocument, sendProblem, type Problem } from './problem';
export { closingIfUnread, lingerAfterAnswer, LINGER_MS } from './linger';
export { mediaType, requireMediaType, requireBodyWithin, validate, negotiate } from './request';
export { createRouter, type Route, type RouteContext, type RouterOptions } from './router';
