// Cells the platform writes to spreadsheets cannot start a formula (CSV injection).
import { describe, expect, it } from 'vitest';
import { csvLine, sheetText } from '../src/domain/spreadsheet.js';

describe('spreadsheet cells', () => {
  it('a cell starting with = + - @ tab or CR is quoted as text; others are unchanged', () => {
    for (const v of ['=1+1', '+cmd', '-2', '@SUM(A1)', '\tx', '\rx']) expect(sheetText(v)).toBe(`'${v}`);
    for (const v of ['r-1', 'a=b', '', "'=already"]) expect(sheetText(v)).toBe(v);
  });

  it('CSV lines quote what needs quoting, after neutralising', () => {
    expect(csvLine(['1', '=HYPERLINK("http://x","y")', 'a, b'])).toBe(
      `1,"'=HYPERLINK(""http://x"",""y"")","a, b"\n`,
    );
    expect(csvLine(['\rx'])).toBe(`"'\rx"\n`);
  });
});
