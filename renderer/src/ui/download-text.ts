// Saves text the renderer made (an export) as a file: an object URL clicked as a download link. The
// browser shows its download; in the desktop window Electron's default download handling asks
// where to save. Nothing crosses IPC, as the data is already here.

export function downloadText(fileName: string, text: string, type: 'text/csv' | 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has handed the blob to the download; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file name safe on every OS from a label (an experiment name may hold / or :). */
export function exportFileName(label: string, extension: 'csv' | 'json'): string {
  const base = label.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'export';
  return `${base}.${extension}`;
}
