// Declarations for the modules that the shims of shared/runtime/*.cjs load, which ship none.

// prom-client's own path to its Pushgateway class.
declare module 'prom-client/lib/pushgateway' {
  import type { Pushgateway } from 'prom-client';
  const Gateway: typeof Pushgateway;
  export = Gateway;
}

// prom-client's own path to its collectDefaultMetrics, with the list it carries.
declare module 'prom-client/lib/defaultMetrics' {
  import type { collectDefaultMetrics } from 'prom-client';
  const collect: typeof collectDefaultMetrics & { metricsList: string[] };
  export = collect;
}

// mime-types 3: what its README documents.
declare module 'mime-types' {
  export function charset(type: string): string | false;
  export function contentType(str: string): string | false;
  export function extension(type: string): string | false;
  export function lookup(path: string): string | false;
  export const charsets: { lookup: typeof charset };
  export const extensions: Record<string, string[]>;
  export const types: Record<string, string>;
}

// undici's own path to its cookie helpers (its index re-exports them).
declare module 'undici/lib/web/cookies/index.js' {
  export { deleteCookie, getCookies, getSetCookies, setCookie, parseCookie } from 'undici';
}
