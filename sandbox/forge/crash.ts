import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Crash injection for the fault-sequence suite: an invocation that dies at a chosen step, the way a Forge
 * function does when its container is killed or times out. A step is one I/O the function performs (a
 * storage operation, a Jira or queue call through the platform, a provider call through egress). The crash
 * happens just before the step leaves the function or just after its answer arrives (the write or the
 * provider's action happened, the function never learns of it). From then on the function is dead: the
 * platform reports the invocation as failed, and any I/O its abandoned code still attempts never leaves.
 */

export class InvocationCrashed extends Error {
  constructor(
    readonly functionKey: string,
    readonly step: number,
    readonly when: 'before' | 'after',
    readonly label: string,
  ) {
    super(`injected crash of ${functionKey} ${when} step ${step} (${label})`);
    this.name = 'InvocationCrashed';
  }
}

export interface CrashPoint {
  functionKey: string;
  /** Which invocation of that function dies: 1 = the first one after the crash is armed. */
  invocation: number;
  step: number;
  when: 'before' | 'after';
}

/**
 * A crash at the first step, in any invocation of the function, whose label matches: for reaching a kind of
 * step (a provider's status read, say) whichever invocation makes it, when the invocation that does depends
 * on timing the run cannot fix.
 */
export interface LabelledCrashPoint {
  functionKey: string;
  label: RegExp;
  when: 'before' | 'after';
}

interface InvocationContext {
  functionKey: string;
  point: CrashPoint | LabelledCrashPoint | null;
  steps: number;
  crashed: InvocationCrashed | null;
  kill: (crash: InvocationCrashed) => void;
  /** A labelled crash fired in another invocation: this one runs on unharmed. */
  spent: () => boolean;
}

const current = new AsyncLocalStorage<InvocationContext>();
const never = new Promise<never>(() => undefined);

export class CrashInjector {
  private armed: CrashPoint | LabelledCrashPoint | null = null;
  private seen = 0;
  /** The crashes that happened, for the suite's report and its coverage checks. */
  readonly fired: InvocationCrashed[] = [];

  arm(point: CrashPoint | LabelledCrashPoint | null): void {
    this.armed = point;
    this.seen = 0;
  }

  /** Runs one invocation; it rejects with InvocationCrashed as soon as an armed crash fires inside it. */
  run<T>(functionKey: string, fn: () => Promise<T>): Promise<T> {
    let point: CrashPoint | LabelledCrashPoint | null = null;
    if (this.armed?.functionKey === functionKey) {
      if ('label' in this.armed) {
        // Every invocation may make the step; the first that does dies, and the crash is spent (see kill).
        point = this.armed;
      } else {
        this.seen += 1;
        if (this.seen === this.armed.invocation) {
          point = this.armed;
          this.armed = null;
        }
      }
    }
    if (!point)
      return current.run(
        { functionKey, point: null, steps: 0, crashed: null, kill: () => undefined, spent: () => true },
        fn,
      );
    return new Promise<T>((resolve, reject) => {
      const context: InvocationContext = {
        functionKey,
        point,
        steps: 0,
        crashed: null,
        kill: (crash) => {
          if (this.armed === point) this.armed = null;
          this.fired.push(crash);
          reject(crash);
        },
        spent: () => point !== null && 'label' in point && this.armed !== point,
      };
      current.run(context, fn).then(
        (value) => (context.crashed ? undefined : resolve(value)),
        (error: unknown) =>
          context.crashed ? undefined : reject(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }
}

/**
 * Wraps one I/O step of the current invocation with the armed crash, if any. The platform calls it where the
 * function's I/O leaves it: `__forge_fetch__` (storage, Jira, the queue) and `@forge/api`'s egress fetch.
 */
export async function ioStep<T>(label: string, op: () => Promise<T>): Promise<T> {
  const context = current.getStore();
  if (!context?.point) return op();
  if (context.crashed) return never;
  // Numbered as it starts: an invocation may have several steps in flight at once (Promise.all).
  const step = (context.steps += 1);
  const { point } = context;
  const here = 'label' in point ? point.label.test(label) && !context.spent() : point.step === step;
  if (here && point.when === 'before') {
    context.crashed = new InvocationCrashed(context.functionKey, step, 'before', label);
    context.kill(context.crashed);
    return never;
  }
  const result = await op();
  if (context.crashed) return never;
  // A labelled crash may have fired in another invocation while this step was in flight.
  if (here && point.when === 'after' && !context.spent()) {
    context.crashed = new InvocationCrashed(context.functionKey, step, 'after', label);
    context.kill(context.crashed);
    return never;
  }
  return result;
}
