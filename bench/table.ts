/** A benchmark's result: one JSON line, one table row. */
export type BenchResult = Record<string, unknown>;

/** A column of a result table: its title and how a result shows in it. */
export type Column = [title: string, value: (result: BenchResult) => string];

/** Prints results as a table, the first column left-aligned and the figures right-aligned, each as wide as it needs. */
export function printTable(columns: Column[], results: BenchResult[]): void {
  const widths = columns.map(([title, value]) => Math.max(title.length, ...results.map((result) => value(result).length)) + 2);
  const line = (cells: string[]) => cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join('');
  console.log(`\n${line(columns.map(([title]) => title))}`);
  for (const result of results) console.log(line(columns.map(([, value]) => value(result))));
}
