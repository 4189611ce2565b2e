import { CrashInjector, InvocationCrashed, ioStep } from '../../sandbox/forge/crash';

/** The fault suite's crash injection: which invocation dies, at which step, and whether the step took effect. */

describe('crash injection', () => {
  const done: string[] = [];
  const step = (label: string) => ioStep(label, async () => void done.push(label));
  const invocation = async () => {
    await step('kvs get');
    await step('GET /api/v2/jobs/1');
    await step('kvs set');
    return 'finished';
  };
  beforeEach(() => done.splice(0));

  it('kills the named invocation at the named step: before it leaves, or after it took effect', async () => {
    const crashes = new CrashInjector();
    crashes.arm({ functionKey: 'poll', invocation: 2, step: 2, when: 'before' });
    await expect(crashes.run('poll', invocation)).resolves.toBe('finished');
    await expect(crashes.run('poll', invocation)).rejects.toBeInstanceOf(InvocationCrashed);
    expect(done).toEqual(['kvs get', 'GET /api/v2/jobs/1', 'kvs set', 'kvs get']);

    done.splice(0);
    crashes.arm({ functionKey: 'poll', invocation: 1, step: 2, when: 'after' });
    await expect(crashes.run('poll', invocation)).rejects.toThrow('after step 2 (GET /api/v2/jobs/1)');
    expect(done).toEqual(['kvs get', 'GET /api/v2/jobs/1']);
    await expect(crashes.run('poll', invocation)).resolves.toBe('finished');
  });

  it('kills, by label, the first invocation that makes a matching step, once, however many run at once', async () => {
    const crashes = new CrashInjector();
    crashes.arm({ functionKey: 'poll', label: /^GET \/api\/v2\/jobs/, when: 'after' });
    await expect(crashes.run('worker', invocation)).resolves.toBe('finished');
    const results = await Promise.allSettled([crashes.run('poll', invocation), crashes.run('poll', invocation)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(crashes.fired.map((c) => c.message)).toEqual(['injected crash of poll after step 2 (GET /api/v2/jobs/1)']);
    await expect(crashes.run('poll', invocation)).resolves.toBe('finished');
  });
});
