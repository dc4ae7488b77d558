// prom-client ships no declarations for its modules' own paths; this one is its Pushgateway class.
declare module 'prom-client/lib/pushgateway' {
  import type { Pushgateway } from 'prom-client';
  const Gateway: typeof Pushgateway;
  export = Gateway;
}
