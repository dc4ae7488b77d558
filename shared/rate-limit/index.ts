/** Requests per client address, counted in Redis and in memory when Redis is away. */
export { createRateLimit, type RateLimitOptions } from './limiter';
export { clientAddress } from './client-address';
