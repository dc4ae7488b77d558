import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/log/index';
import type { BrokerKeys } from './keys';
import type { BrokerMetrics } from './metrics';
import { snapshot } from './stats';
import { trimStream } from './trim';

export interface MaintenanceOptions {
  redis: () => Promise<Redis>;
  keys: BrokerKeys;
  triggers: readonly string[];
  intervalMs: number;
  metrics: BrokerMetrics;
  log: Logger;
}

/**
 * Every `intervalMs`: trims each trigger's stream as far as its group allows and refreshes the
 * pending, lag, length and dead-letter gauges. Safe to run in every broker instance at once.
 */
export function startMaintenance(options: MaintenanceOptions): { stop(): Promise<void> } {
  const { keys, triggers, intervalMs, metrics, log } = options;
  let running = true;
  let current: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    const redis = await options.redis();
    const trimmed = await Promise.all(triggers.map((t) => trimStream(redis, keys.of(t).stream)));
    const removed = trimmed.reduce((sum, t) => sum + (t?.removed ?? 0), 0);
    if (removed > 0) {
      metrics.trimmed.inc(removed);
      log.debug({ removed }, 'streams trimmed');
    }
    for (const state of await snapshot(redis, keys, triggers)) {
      const trigger = state.name;
      metrics.streamLength.set({ trigger }, state.length);
      metrics.deadLetters.set({ trigger }, state.deadLetters);
      const group = state.groups.find((g) => g.name === trigger);
      if (!group) continue;
      metrics.pending.set({ trigger }, group.pending);
      if (group.lag !== null) metrics.lag.set({ trigger }, group.lag);
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
