/** Redis: a lazily connected client and Lua scripts run by SHA (the broker, the fan-in, limits). */
export { createRedis, type RedisHandle, type RedisClientOptions } from './client';
export { defineScript, runScript, type Script } from './scripts';
