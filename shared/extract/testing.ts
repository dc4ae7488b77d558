/**
 * Test helpers for "stays linear" claims: the work a piece of code does on strings, counted
 * rather than timed, so that the growth from n to 8n can be compared on any machine under any
 * load. Never imported by function code.
 */

type Method = (this: string, ...args: unknown[]) => unknown;

/** How many characters one call of each String method may look at. */
const cost: Record<string, (s: string, args: unknown[], result: unknown) => number> = {
  indexOf: (s, [search, from = 0], r) =>
    (r === -1 ? s.length : (r as number) + String(search).length) - Number(from),
  includes: (s, [, from = 0]) => s.length - Number(from),
  lastIndexOf: (s) => s.length,
  startsWith: (_s, [search]) => String(search).length,
  endsWith: (_s, [search]) => String(search).length,
  slice: (_s, _a, r) => (r as string).length,
  substring: (_s, _a, r) => (r as string).length,
  toLowerCase: (s) => s.length,
  toUpperCase: (s) => s.length,
  trim: (s) => s.length,
  replace: (s) => s.length,
  replaceAll: (s) => s.length,
  split: (s) => s.length,
  match: (s) => s.length,
  matchAll: (s) => s.length,
  search: (s) => s.length,
  normalize: (s) => s.length,
  charCodeAt: () => 1,
  codePointAt: () => 1,
  charAt: () => 1,
};

/**
 * Runs `fn` and returns how many characters it had String methods and regular expressions look
 * at — a count of work that grows with the input as the code's running time does (a scan that
 * starts over from the beginning each time shows up as quadratic). Direct indexing (`s[i]`) and
 * work inside native code are not seen; everything else is. While `fn` runs, other code of the
 * process is counted too, which stays small beside large inputs.
 */
export async function stringWork(fn: () => unknown): Promise<number> {
  let work = 0;
  const strings = String.prototype as unknown as Record<string, Method>;
  const saved = Object.keys(cost).map((name) => [name, strings[name]!] as const);
  const exec = RegExp.prototype.exec;
  for (const [name, original] of saved) {
    strings[name] = function (this: string, ...args: unknown[]) {
      const result = original.apply(this, args);
      work += Math.max(1, cost[name]!(String(this), args, result));
      return result;
    };
  }
  // test(), match(), replace() and friends go through exec.
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    work += Math.max(1, String(input).length - (this.global || this.sticky ? this.lastIndex : 0));
    return exec.call(this, input);
  };
  try {
    await fn();
  } finally {
    for (const [name, original] of saved) strings[name] = original;
    RegExp.prototype.exec = exec;
  }
  return work;
}

/** The work at `n` and at `8n` copies of `unit`, and their ratio (8 for linear, 64 for quadratic). */
export async function growth(
  unit: string,
  n: number,
  run: (input: string) => unknown,
): Promise<{ small: number; large: number; ratio: number }> {
  const small = await stringWork(() => run(unit.repeat(n)));
  const large = await stringWork(() => run(unit.repeat(8 * n)));
  return { small, large, ratio: large / small };
}
