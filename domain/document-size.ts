const KiB = 1024;
const MiB = 1024 * KiB;

/** A size as people read it: "12.3 MiB", "64 KiB", "900 bytes". */
export function formatBytes(bytes: number): string {
  const [unit, size] = bytes >= MiB ? ['MiB', bytes / MiB] : bytes >= KiB ? ['KiB', bytes / KiB] : ['bytes', bytes];
  return `${Number(size.toFixed(1))} ${unit}`;
}

/**
 * Why a document of `bytes` is skipped unread, or undefined when it is within the limit.
 * @example
 * oversizeReason(12.3 * 1024 * 1024, 10 * 1024 * 1024) // "12.3 MiB is over the 10 MiB document limit (TRIBUTARY_MAX_DOCUMENT_BYTES)"
 */
export function oversizeReason(bytes: number, maxDocumentBytes: number): string | undefined {
  if (bytes <= maxDocumentBytes) return undefined;
  return `${formatBytes(bytes)} is over the ${formatBytes(maxDocumentBytes)} document limit (TRIBUTARY_MAX_DOCUMENT_BYTES)`;
}
