import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/log/index';
import type { BrokerKeys } from './keys';
import type { BrokerMetrics } from './metrics';
import { groupsOf, type GroupInfo } from './streams';
import { trimStream } from './trim';

/** The broker's state in Redis, for the gauges and the admin API. */
export interface BrokerSnapshot {
  readonly length: number;
  readonly deadLetters: number;
  readonly groups: readonly GroupInfo[];
}

export async function snapshot(redis: Redis, keys: BrokerKeys): Promise<BrokerSnapshot> {
  const [length, deadLetters, groups] = await Promise.all([
    redis.xlen(keys.stream),
    redis.xlen(keys.deadLetters),
    groupsOf(redis, keys.stream),
  ]);
  return { length, deadLetters, groups };
}

export interface MaintenanceOptions {
  redis: () => Promise<Redis>;
  keys: BrokerKeys;
  triggers: readonly string[];
  intervalMs: number;
  metrics: BrokerMetrics;
  log: Logger;
}

/**
 * Every `intervalMs`: trims the stream as far as every group allows and refreshes the pending,
 * lag, length and dead-letter gauges. Safe to run in every broker instance at once.
 */
export function startMaintenance(options: MaintenanceOptions): { stop(): Promise<void> } {
  const { keys, triggers, intervalMs, metrics, log } = options;
  const watched = new Set(triggers);
  let running = true;
  let current: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    const redis = await options.redis();
    const trimmed = await trimStream(redis, keys);
    if (trimmed && trimmed.removed > 0) {
      metrics.trimmed.inc(trimmed.removed);
      log.debug(trimmed, 'stream trimmed');
    }
    const state = await snapshot(redis, keys);
    metrics.streamLength.set(state.length);
    metrics.deadLetters.set(state.deadLetters);
    for (const group of state.groups) {
      if (!watched.has(group.name)) continue;
      metrics.pending.set({ trigger: group.name }, group.pending);
      if (group.lag !== null) metrics.lag.set({ trigger: group.name }, group.lag);
    }
  };
  const schedule = () => {
    timer = setTimeout(() => {
      current = tick()
        .catch((err: unknown) => log.warn({ err }, 'trimming or collecting stats failed'))
        .finally(() => {
          if (running) schedule();
        });
    }, intervalMs);
  };
  schedule();
  return {
    async stop() {
      running = false;
      clearTimeout(timer);
      await current;
    },
  };
}
