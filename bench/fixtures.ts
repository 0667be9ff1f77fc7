import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes `count` text documents of about `bytes` bytes each, 1000 to a folder. */
export function writeDocuments(root: string, count: number, bytes = 1024): void {
  const filler = 'The quick brown fox jumps over the lazy dog. '.repeat(Math.ceil(bytes / 45));
  for (let index = 0; index < count; index += 1) {
    const folder = path.join(root, `part-${String(Math.floor(index / 1000)).padStart(4, '0')}`);
    if (index % 1000 === 0) mkdirSync(folder, { recursive: true });
    const head = `Document ${index}\n`;
    writeFileSync(path.join(folder, `doc-${String(index).padStart(7, '0')}.txt`), head + filler.slice(0, bytes - head.length));
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
