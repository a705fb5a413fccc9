import Papa from 'papaparse';

// CSV for people who open it in Excel: papaparse quotes every cell that needs it (commas, quotes,
// line breaks), and text cells starting with = + - @ tab or CR get a leading ' so a spreadsheet shows
// them instead of running them as a formula. Numbers stay numbers (a negative metric is not a formula).

export type CsvCell = string | number | boolean | null | undefined;

/** One CSV document: the header line, then a line per row, CRLF-separated as RFC 4180 says. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return Papa.unparse({ fields: [...header], data: rows.map((r) => r.map((c) => (c === undefined ? null : c))) }, { escapeFormulae: true, newline: '\r\n' });
}
