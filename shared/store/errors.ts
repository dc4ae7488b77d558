/** MongoDB's duplicate-key error: the signal every insert-once pattern here relies on. */
export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;

/** A bulk write that failed only because some documents already existed. */
export function onlyDuplicates(err: unknown): boolean {
  const e = err as { code?: unknown; writeErrors?: { code?: unknown }[] | { code?: unknown } };
  if (e?.code === 11000 && !e.writeErrors) return true;
  const list = Array.isArray(e?.writeErrors)
    ? e.writeErrors
    : e?.writeErrors
      ? [e.writeErrors]
      : [];
  return list.length > 0 && list.every((w) => w.code === 11000);
}
