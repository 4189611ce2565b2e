import { invoke } from '@forge/bridge';

/** Calls a resolver and returns its body, whether or not the bridge wraps it with response metadata. */
export async function call<T>(functionKey: string, payload: Record<string, unknown> = {}): Promise<T> {
  const response = await invoke<T>(functionKey, payload as never);
  if (response !== null && typeof response === 'object' && 'body' in response && 'metadata' in response)
    return (response as { body: T }).body;
  return response as T;
}
