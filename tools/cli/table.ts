/** One cell of a fixed-width column: whitespace folded, cut with "…" when too long. */
export function cell(value: unknown, width: number): string {
  const text = String(value ?? '').replace(/\s+/g, ' ');
  return (text.length > width ? `${text.slice(0, width - 1)}…` : text).padEnd(width);
}

/** A row of fixed-width cells, then the last column as it is. */
export function row(cells: readonly (readonly [unknown, number])[], last: unknown): string {
  return [...cells.map(([value, width]) => cell(value, width)), String(last ?? '')]
    .join(' ')
    .trimEnd();
}
