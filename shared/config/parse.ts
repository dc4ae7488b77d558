import * as z from '../zod/index';
import { secretLikeName, secretVariable } from './fields';

/** Raised once at start-up, listing every bad or missing variable. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid configuration for ${service}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses `env` with `schema`. Empty strings count as unset, so `FOO=` falls back to the default
 * exactly like an absent variable (what Kubernetes does with an empty ConfigMap value).
 */
export function parseConfig<S extends z.core.$ZodType>(
  service: string,
  schema: S,
  env: Env = process.env,
): z.output<S> {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') present[key] = value;
  }
  // Parsed once per process: zod's compiled fast path (generated with `new Function` on a
  // schema's first parse) would cost more to make than this one parse saves.
  const result = z.safeParse(schema, present, { jitless: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const key = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
    const raw = key === undefined ? undefined : present[key];
    const missing = raw === undefined && issue.code === 'invalid_type';
    if (missing) return `${name}: required but not set`;
    // A secret's value is never echoed, not even in part: logs and crash reports keep it.
    const shown =
      raw === undefined || isSecret(schema, key!) ? '' : ` (got ${JSON.stringify(raw)})`;
    return `${name}: ${issue.message}${shown}`;
  });
  throw new ConfigError(service, problems);
}

/** Whether the variable `key` holds a secret: marked {@link secretVariable}, or named like one. */
export function isSecret(schema: z.core.$ZodType, key: string): boolean {
  if (secretLikeName.test(key)) return true;
  const field = (schema as { shape?: Record<string, z.core.$ZodType> }).shape?.[key];
  return field !== undefined && z.globalRegistry.get(field)?.secret === secretVariable.secret;
}
