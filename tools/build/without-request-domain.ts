import type { Plugin } from 'esbuild';
import { applyEdits, sourceEditsPlugin, type Edit } from './source-edits';

/**
 * The Functions Framework runs every request of every function inside a `node:domain` of its own
 * (`function_wrappers.js`), so that an exception thrown later from a callback of that request
 * becomes a 500 instead of ending the process. Creating a domain turns on async hooks for the
 * whole process for good: from then on every promise and every async resource calls into them
 * (init, before, after, destroy). On the hello-world function that was ~40 % of its throughput.
 *
 * MultiVAC's functions do not need it: their router turns a handler's thrown error or rejected
 * promise into a problem response (shared/http), and the wrapper below still turns a synchronous
 * throw or a rejection that escapes into the framework's 500. What the domain alone caught — a
 * throw from a stray callback — now ends the process, which Node's documentation recommends
 * anyway (a domain's error leaves the process in an unknown state); Knative starts another and
 * the broker redelivers. The bundles get the framework's file with three edits; each must match
 * exactly once, so a framework that changed stops the build instead of being patched blindly.
 */
const FILE =
  /[\\/]@google-cloud[\\/]functions-framework[\\/]build[\\/]src[\\/]function_wrappers\.js$/;

const LABEL = "functions-framework's function_wrappers.js";

export const EDITS: readonly Edit[] = [
  { what: 'the domain module', from: /^const domain = require\("domain"\);\n/m, to: '' },
  {
    what: "an event function's completion callback bound to the request's domain",
    from: /process\.domain\.bind\(/,
    to: '(',
  },
  {
    what: 'the request run inside a new domain',
    from: /const d = domain\.create\(\);\n([\s\S]*?)\n\s*\/\/ Catch unhandled errors originating from this request\.\n\s*d\.on\('error', errorHandler\);\n\s*d\.run\(\(\) => \{\n\s*process\.nextTick\(\(\) => \{\n\s*const ret = execute\(req, res\);\n\s*\/\/ Catch rejected promises if the function is async\.\n\s*if \(ret instanceof Promise\) \{\n\s*ret\.catch\(errorHandler\);\n\s*\}\n\s*\}\);\n\s*\}\);/,
    to: [
      '$1',
      '        // MultiVAC (tools/build/without-request-domain.ts): no domain; a synchronous throw',
      '        // or a rejection still answers 500.',
      '        let ret;',
      '        try {',
      '            ret = execute(req, res);',
      '        }',
      '        catch (err) {',
      '            errorHandler(err);',
      '            return;',
      '        }',
      '        if (ret instanceof Promise) ret.catch(errorHandler);',
    ].join('\n'),
  },
];

/** `source` with every edit made; throws naming the first that does not match exactly once. */
export function withoutRequestDomain(source: string): string {
  return applyEdits(LABEL, source, EDITS);
}

/** Bundles the Functions Framework's request wrappers without `node:domain`. */
export function withoutRequestDomainPlugin(): Plugin {
  return sourceEditsPlugin('multivac-without-request-domain', [
    { file: FILE, label: LABEL, edits: EDITS },
  ]);
}
