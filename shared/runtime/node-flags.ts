/**
 * Node's own command-line flags for every function and the broker: the image's ENTRYPOINT
 * (Dockerfile), the build that makes the code cache, and wherever the local stack and the
 * benchmarks start a bundle. They must be the same everywhere: V8 takes a code cache only from a
 * Node started with the same code-generation flags.
 *
 * `--liftoff-only`: undici (the broker's deliveries, acquire's fetches) parses HTTP with llhttp
 * compiled to WebAssembly. After the first requests V8 recompiles llhttp's one large function with
 * its optimizing tier, which takes ~20 MiB for a moment and keeps ~8 MiB more of code (measured on
 * acquire and the broker: their peak RSS). The baseline tier's code parses a response's few hundred
 * bytes of headers as fast for all the broker's benchmark shows. It is not allowed in NODE_OPTIONS,
 * hence an argument.
 */
export const NODE_FLAGS: readonly string[] = ['--liftoff-only'];
