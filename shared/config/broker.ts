import { z } from 'zod';
import { port, redisFields, runtimeFields } from './fields';

/** `broker`: CloudEvents ingress, Redis Stream, trigger dispatchers and the admin endpoint. */
export const brokerConfig = z.object({
  ...runtimeFields,
  ...redisFields,
  /** The trigger table (Knative Trigger shape); a ConfigMap mount in the cluster. */
  MULTIVAC_TRIGGERS_FILE: z.string().min(1),
  MULTIVAC_STREAM: z.string().min(1).default('multivac:events'),
  /** Admin API (dead letters, re-drive); never routed publicly. Unset: not served. */
  MULTIVAC_ADMIN_PORT: port.optional(),
});
export type BrokerConfig = z.output<typeof brokerConfig>;
