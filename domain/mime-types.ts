const mimeTypeByExtension: Readonly<Record<string, string>> = {
  html: 'text/html',
  htm: 'text/html',
  md: 'text/markdown',
  markdown: 'text/markdown',
  txt: 'text/plain',
  json: 'application/json',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  csv: 'text/csv',
};

/** The MIME type a file name's extension suggests, for the formats Tributary parses; undefined for any other. */
export function mimeTypeFromName(name: string): string | undefined {
  const extension = name.toLowerCase().split('.').pop() ?? '';
  // Own keys only: a name like "x.constructor" must not find Object's prototype.
  return Object.hasOwn(mimeTypeByExtension, extension) ? mimeTypeByExtension[extension] : undefined;
}
