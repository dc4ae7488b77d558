import type { CatalogueEntry } from './events';

export const README_FILE = 'README.md';
const START = '<!-- events:start -->';
const END = '<!-- events:end -->';

const names = (list: string[]) => list.map((n) => `\`${n}\``).join(', ');

/** The README's event catalogue table: type, producer → consumers, what it says, its schema. */
export function eventTable(catalogue: readonly CatalogueEntry[]): string {
  const rows = catalogue.map(
    (e) =>
      `| \`${e.type}\` | ${names(e.producers)} → ${e.consumers.length ? names(e.consumers) : '(observers)'} | ${e.description} | [schema](${e.file}) |`,
  );
  return [
    '| type | producer → consumers | what it says | data and envelope |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** `readme` with the text between the event markers replaced by `table`. */
export function withEventTable(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end < start)
    throw new Error(`${README_FILE} has no ${START} … ${END} section for the event catalogue`);
  return `${readme.slice(0, start + START.length)}\n\n${table}\n\n${readme.slice(end)}`;
}
