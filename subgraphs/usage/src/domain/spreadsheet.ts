// Text the platform writes into a spreadsheet (CSV, XLSX) that someone else opens: a cell starting with
// `=`, `+`, `-`, `@`, a tab or a carriage return is read by spreadsheet programs as a formula, so a record id
// like `=HYPERLINK(...)` in an error report would run in the distributor's spreadsheet (CSV injection).
// Such a cell gets a leading single quote, which those programs show as text (OWASP's advice). Every
// spreadsheet the usage service writes goes through `sheetText`.

const FORMULA_START = /^[=+\-@\t\r]/;

/** The text as a spreadsheet cell that cannot be taken for a formula. */
export const sheetText = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

/** One CSV line (RFC 4180 quoting) of neutralised cells, with its line break. */
export function csvLine(cells: readonly string[]): string {
  return `${cells
    .map((c) => {
      const v = sheetText(c);
      return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
    })
    .join(',')}\n`;
}
