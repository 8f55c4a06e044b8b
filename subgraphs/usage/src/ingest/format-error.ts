// Its own module: both the row reader (rows.ts) and the XLSX guard it calls throw it.
/** A whole-upload problem (unreadable file, bad header): the file is invalid, no row is judged. */
export class FormatError extends Error {}
