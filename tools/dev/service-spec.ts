import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** What the local stack takes from a function's manifest, so that it runs as it does in the cluster. */
export interface ServiceSpec {
  /** Knative's hard limit of requests at once in one instance (0 or absent: no limit). */
  containerConcurrency?: number;
  /** The container's NODE_OPTIONS (V8 heap limits, matched to its memory limit). */
  nodeOptions?: string;
  /**
   * Node's flags from the container's `args`, before the script: V8 flags NODE_OPTIONS does not
   * take. The code cache must be made with them too (tools/build).
   */
  nodeArgs?: readonly string[];
  /** glibc's MALLOC_ARENA_MAX: fewer malloc arenas for V8's and libuv's threads, less RSS. */
  mallocArenaMax?: string;
  /** The container's memory limit, in MiB. */
  memoryLimitMiB?: number;
}

interface Container {
  args?: string[];
  env?: { name: string; value?: string }[];
  resources?: { limits?: { memory?: string } };
}
interface PodSpec {
  containerConcurrency?: number;
  containers?: Container[];
}

const MI = /^(\d+)Mi$/;
/** The image's CMD: the script `args` must still name after Node's flags. */
const SCRIPT = '/app/index.cjs';

/**
 * Reads `knative/base/<name>.yaml`: the Knative Service (or, for the broker, the Deployment) of
 * that name. Missing fields stay undefined.
 */
export async function readServiceSpec(root: string, name: string): Promise<ServiceSpec> {
  const text = await readFile(join(root, 'knative/base', `${name}.yaml`), 'utf8').catch(() => '');
  for (const doc of parseAllDocuments(text)) {
    const o = doc.toJS() as {
      kind?: string;
      metadata?: { name?: string };
      spec?: { template?: { spec?: PodSpec } };
    } | null;
    if (!o || (o.kind !== 'Service' && o.kind !== 'Deployment') || o.metadata?.name !== name)
      continue;
    const pod = o.spec?.template?.spec;
    if (!pod?.containers?.length) continue;
    const [container] = pod.containers as [Container];
    const envValue = (name: string) => container.env?.find((e) => e.name === name)?.value;
    const nodeOptions = envValue('NODE_OPTIONS');
    const mallocArenaMax = envValue('MALLOC_ARENA_MAX');
    const memory = MI.exec(container.resources?.limits?.memory ?? '')?.[1];
    const nodeArgs = container.args?.slice(0, -1);
    if (container.args && container.args.at(-1) !== SCRIPT)
      throw new Error(`${name}.yaml: the container's args must end with ${SCRIPT}`);
    return {
      ...(nodeArgs?.length ? { nodeArgs } : {}),
      ...(pod.containerConcurrency ? { containerConcurrency: pod.containerConcurrency } : {}),
      ...(nodeOptions ? { nodeOptions } : {}),
      ...(mallocArenaMax ? { mallocArenaMax } : {}),
      ...(memory ? { memoryLimitMiB: Number(memory) } : {}),
    };
  }
  return {};
}
