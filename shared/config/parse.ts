import type { z } from 'zod';

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
export function parseConfig<S extends z.ZodType>(
  service: string,
  schema: S,
  env: Env = process.env,
): z.output<S> {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') present[key] = value;
  }
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const raw = typeof issue.path[0] === 'string' ? present[issue.path[0]] : undefined;
    const missing = raw === undefined && issue.code === 'invalid_type';
    return missing
      ? `${name}: required but not set`
      : `${name}: ${issue.message}${raw === undefined ? '' : ` (got ${JSON.stringify(raw)})`}`;
  });
  throw new ConfigError(service, problems);
}
