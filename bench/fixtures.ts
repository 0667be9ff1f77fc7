import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What the documents are made of:
 * - `simple`: one English pangram repeated, about ten distinct words; flatters every search index.
 * - `zipf`: words drawn from a seeded vocabulary of 50,000 made-up words, Zipf-distributed (s = 1)
 *   as words of natural text are, so the index grows as it would on real text.
 */
export type CorpusKind = 'simple' | 'zipf';

export const ZIPF_VOCABULARY = 50_000;

/** A small seeded generator (mulberry32): the same seed gives the same corpus on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Builds document bodies of about `bytes` bytes each from one corpus; the body of document i is always the same. */
export function createCorpus(kind: CorpusKind, seed = 20261201): { body(index: number, bytes: number): string; vocabulary: number } {
  if (kind === 'simple') {
    const filler = 'The quick brown fox jumps over the lazy dog. ';
    return {
      vocabulary: new Set(filler.toLowerCase().match(/\w+/g)).size,
      body: (index, bytes) => {
        const head = `Document ${index}\n`;
        return head + filler.repeat(Math.ceil(bytes / filler.length)).slice(0, Math.max(0, bytes - head.length));
      },
    };
  }
  const random = seededRandom(seed);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const words = new Set<string>();
  while (words.size < ZIPF_VOCABULARY) {
    const length = 2 + Math.floor(random() * random() * 12);
    let word = '';
    for (let letter = 0; letter < length; letter += 1) word += letters[Math.floor(random() * letters.length)];
    words.add(word);
  }
  const ranked = [...words];
  // Cumulative weights of rank r ∝ 1/r, searched by bisection for each word drawn.
  const cumulative = new Float64Array(ranked.length);
  let sum = 0;
  for (let rank = 0; rank < ranked.length; rank += 1) cumulative[rank] = sum += 1 / (rank + 1);
  const draw = (next: () => number) => {
    const target = next() * sum;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return ranked[low]!;
  };
  return {
    vocabulary: ranked.length,
    body: (index, bytes) => {
      const next = seededRandom(seed ^ Math.imul(index + 1, 0x9e3779b1));
      let text = `Document ${index}\n`;
      for (let sentence = 0; text.length < bytes; sentence += 1) {
        const words: string[] = [];
        const count = 6 + Math.floor(next() * 12);
        for (let word = 0; word < count; word += 1) words.push(draw(next));
        text += `${words.join(' ')}. `;
      }
      return text.slice(0, bytes);
    },
  };
}

/** Writes `count` text documents of about `bytes` bytes each, 1000 to a folder; returns the corpus's vocabulary size. */
export function writeDocuments(root: string, count: number, options: { kind?: CorpusKind; bytes?: number } = {}): { vocabulary: number } {
  const corpus = createCorpus(options.kind ?? 'simple');
  for (let index = 0; index < count; index += 1) {
    const folder = path.join(root, `part-${String(Math.floor(index / 1000)).padStart(4, '0')}`);
    if (index % 1000 === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `doc-${String(index).padStart(7, '0')}.txt`), corpus.body(index, options.bytes ?? 1024));
  }
  return { vocabulary: corpus.vocabulary };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
