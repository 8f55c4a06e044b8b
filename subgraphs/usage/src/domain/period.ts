// A usage file's reporting period: whole UTC days, `from` and `to` inclusive (2025-05-01..2025-05-31).
import { badInput } from '@daas/kit';

export interface Period {
  /** YYYY-MM-DD */
  from: string;
  /** YYYY-MM-DD, inclusive */
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;

export function parsePeriod(from: string, to: string, field = 'input.period'): Period {
  for (const [name, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (
      !DAY.test(v) ||
      Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ||
      dayStart(v).toISOString().slice(0, 10) !== v
    ) {
      throw badInput(`${field}.${name}`, `expected a date YYYY-MM-DD, got ${JSON.stringify(v)}`);
    }
  }
  const days = (dayStart(to).getTime() - dayStart(from).getTime()) / 86_400_000;
  if (days < 0) throw badInput(`${field}.to`, 'the period ends before it starts');
  if (days >= MAX_DAYS) throw badInput(`${field}.to`, `a period spans at most ${MAX_DAYS} days`);
  return { from, to };
}

export const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`);

/** The first instant after the period. */
export const periodEnd = (p: Period) => new Date(dayStart(p.to).getTime() + 86_400_000);

/**
 * A time as vendors write it: ISO-8601 with or without a zone ("2025-05-01T00:00:00Z", "2025-05-01 00:00:00"),
 * always read as UTC when no zone is given (the column is named start_time_utc).
 */
export function parseUtc(text: string): Date | null {
  let s = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(s)) return null;
  s = s.replace(' ', 'T');
  if (s.length === 10) s += 'T00:00:00';
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(s)) s += 'Z';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}
