/**
 * A clock for the local world. The app reads time the way it does on Forge (`new Date()`, `Date.now()`), so
 * rather than change production code the sandbox swaps the global Date for one that reads this clock, the
 * way a test runner's fake timers do. Timers (setTimeout) stay real.
 */
export class VirtualClock {
  private offsetMs = 0;
  constructor(
    private readonly realNow: () => number,
    startMs?: number,
  ) {
    if (startMs !== undefined) this.offsetMs = startMs - realNow();
  }
  now(): number {
    return this.realNow() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

let installed: { restore: () => void } | null = null;

export function installVirtualDate(clock: VirtualClock): () => void {
  if (installed) throw new Error('a virtual Date is already installed');
  const RealDate = Date;
  class VirtualDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.now());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return clock.now();
    }
  }
  globalThis.Date = VirtualDate as DateConstructor;
  const restore = () => {
    globalThis.Date = RealDate;
    installed = null;
  };
  installed = { restore };
  return restore;
}

/** A clock that starts at `startMs` and reads the real time underneath, captured before any patching. */
export function createVirtualClock(startMs?: number): VirtualClock {
  const realNow = Date.now.bind(Date);
  return new VirtualClock(realNow, startMs);
}
