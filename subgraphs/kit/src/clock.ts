// Time as a dependency. Code that decides by the date (billing periods, schedules) asks a Clock instead of
// `new Date()`, so tests and demos can run a year of billing in seconds: a ManualClock is moved by the test,
// an accelerated clock (CLOCK_START + CLOCK_RATE) runs a process's time faster than the wall's. The change
// store and the feed keep the wall clock: their times order events, they do not decide business dates.
import { z } from 'zod';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that moves only when told to (tests). */
export class ManualClock implements Clock {
  private at: number;
  constructor(start: Date | string) {
    this.at = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.at);
  }
  set(to: Date | string): void {
    this.at = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

/** Starts at `start` when created and runs `rate` times faster than the wall clock (rate 0: frozen). */
export function acceleratedClock(start: Date | string, rate: number, wall: () => number = Date.now): Clock {
  const origin = wall();
  const from = new Date(start).getTime();
  return { now: () => new Date(from + (wall() - origin) * rate) };
}

const clockEnv = z.object({
  CLOCK_START: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  CLOCK_RATE: z.coerce.number().min(0).max(1e7).default(1),
});

/**
 * The process's clock from its environment: the wall clock, unless CLOCK_START is set (an ISO date or
 * time where the process's time begins), then moving CLOCK_RATE times as fast (86400: a day a second).
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const parsed = clockEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Invalid clock configuration: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  }
  const { CLOCK_START, CLOCK_RATE } = parsed.data;
  return CLOCK_START ? acceleratedClock(CLOCK_START, CLOCK_RATE) : systemClock;
}
