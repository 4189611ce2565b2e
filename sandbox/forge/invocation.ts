import { AsyncLocalStorage } from 'node:async_hooks';
import type { InvocationLimits } from './function-limits';

/**
 * One running invocation, and how the sandbox stops it. Forge stops a function when its time is up: the
 * process is gone, so nothing it does afterwards reaches storage, Jira, the queue or a provider. One Node process
 * cannot kill a promise, so the sandbox does the equivalent: the invocation fails with FunctionTimeout at its
 * deadline, and every platform call its code still makes (found through AsyncLocalStorage) is refused.
 *
 * Time is the sandbox's virtual clock. Inside an invocation it runs at real speed (the app's sleeps are real
 * timers), and it jumps only when the sandbox compresses time between steps; a jump past a running
 * invocation's deadline stops it too, since on Forge that much time would have passed inside it.
 */

export interface InvocationContext {
  functionKey: string;
  principal: string | null;
  startedAt: number;
  deadline: number;
  limits: InvocationLimits;
  egressCalls: number;
  stopped: boolean;
}

export class FunctionTimeout extends Error {
  constructor(
    readonly functionKey: string,
    readonly rule: string,
  ) {
    super(`Forge stopped ${functionKey}: it ran past its time limit of ${rule}`);
    this.name = 'FunctionTimeout';
  }
}

/** A call made by an invocation after Forge stopped it: it never reaches anything. */
export class StoppedInvocation extends Error {
  constructor(readonly functionKey: string) {
    super(`${functionKey} was stopped by its time limit; this call was never made`);
    this.name = 'StoppedInvocation';
  }
}

export class InvocationRunner {
  private readonly als = new AsyncLocalStorage<InvocationContext>();
  private readonly active = new Set<() => void>();

  constructor(private readonly now: () => number) {}

  current(): InvocationContext | undefined {
    return this.als.getStore();
  }

  /** Throws when the calling code belongs to an invocation Forge has already stopped. */
  assertRunning(): void {
    const ctx = this.current();
    if (ctx?.stopped) throw new StoppedInvocation(ctx.functionKey);
  }

  run<T>(functionKey: string, principal: string | null, limits: InvocationLimits, body: () => Promise<T>): Promise<T> {
    const startedAt = this.now();
    const ctx: InvocationContext = {
      functionKey,
      principal,
      startedAt,
      deadline: startedAt + limits.timeoutMs,
      limits,
      egressCalls: 0,
      stopped: false,
    };
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        if (timer) clearTimeout(timer);
        this.active.delete(check);
      };
      const check = () => {
        const left = ctx.deadline - this.now();
        if (left <= 0) {
          ctx.stopped = true;
          finish();
          reject(new FunctionTimeout(functionKey, limits.rule));
          return;
        }
        if (timer) clearTimeout(timer);
        timer = setTimeout(check, Math.min(left, 1_000));
        timer.unref();
      };
      this.active.add(check);
      check();
      this.als.run(ctx, body).then(
        (value) => {
          if (ctx.stopped) return;
          finish();
          resolve(value);
        },
        (error: unknown) => {
          if (ctx.stopped) return;
          finish();
          reject(error);
        },
      );
    });
  }

  /** After the clock jumps: stop every invocation whose deadline the jump passed. */
  checkDeadlines(): void {
    for (const check of [...this.active]) check();
  }
}
