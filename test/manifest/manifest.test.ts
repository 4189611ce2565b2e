import { validate } from '@forge/manifest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { INTAKE_PROPERTY } from '../../src/app/intake';
import * as app from '../../src/index';

const MANIFEST = join(__dirname, '..', '..', 'manifest.yml');

interface Manifest {
  modules: Record<string, Array<Record<string, unknown>>>;
  resources: Array<{ key: string; path: string }>;
  permissions: { scopes: string[]; external: { fetch: { backend: Array<{ address: string }> } } };
  app: { runtime: { name: string } };
}
const manifest = parse(readFileSync(MANIFEST, 'utf8')) as Manifest;

describe('manifest.yml', () => {
  it('passes Forge’s own schema and lint validation (the validator behind forge lint / forge deploy)', async () => {
    const result = await validate(false, MANIFEST);
    const errors = (result.errors ?? []).map((e) => `${e.message} (line ${e.line ?? '?'})`);
    expect(errors).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('indexes the issue property path that intake searches by JQL (jira:entityProperty), as a number', () => {
    const jql = readFileSync(join(__dirname, '..', '..', 'src', 'app', 'intake.ts'), 'utf8');
    const [, property, path] = /issue\.property\[\$\{(\w+)\}\]\.(\w+)/.exec(jql) ?? [];
    expect(property).toBe('INTAKE_PROPERTY');
    const modules = manifest.modules['jira:entityProperty'] as Array<{
      entityType: string;
      propertyKey: string;
      values: Array<{ path: string; type: string }>;
    }>;
    const indexed = modules
      .filter((m) => m.entityType === 'issue' && m.propertyKey === INTAKE_PROPERTY)
      .flatMap((m) => m.values);
    expect(indexed).toContainEqual({ path, type: 'number' });
  });

  it('names only handlers that exist and are exported functions of src/index.ts', () => {
    const exported = app as unknown as Record<string, unknown>;
    const handlers = manifest.modules.function!.map((f) => String(f.handler));
    expect(handlers.length).toBeGreaterThanOrEqual(8);
    for (const handler of handlers) {
      const [file, name] = handler.split('.');
      expect(file).toBe('index');
      expect(typeof exported[name as string]).toBe('function');
    }
  });

  it('wires every module the product needs to a declared function', () => {
    const functionKeys = new Set(manifest.modules.function!.map((f) => f.key));
    const uses = (module: string) =>
      manifest.modules[module]!.map((m) => (m.function ?? (m.resolver as { function?: string })?.function) as string);
    expect(manifest.modules.trigger![0]!.events).toEqual(['avi:jira:updated:issue']);
    expect(manifest.modules.scheduledTrigger!.map((t) => t.function).sort()).toEqual([
      'amiqus-due-poll',
      'deadline-watch',
      'personal-data-report',
      'provider-status-poll',
    ]);
    for (const module of [
      'jira:issuePanel',
      'jira:adminPage',
      'trigger',
      'scheduledTrigger',
      'webtrigger',
      'consumer',
    ]) {
      for (const key of uses(module)) expect(functionKeys.has(key)).toBe(true);
    }
  });

  it('targets the nodejs22.x runtime with least-privilege scopes', () => {
    expect(manifest.app.runtime.name).toBe('nodejs22.x');
    expect([...manifest.permissions.scopes].sort()).toEqual([
      'read:jira-user',
      'read:jira-work',
      'report:personal-data',
      'storage:app',
      'write:jira-work',
    ]);
  });

  it('allows egress to Amiqus, Ada’s three hosts and every Genesys Cloud region (login and api)', () => {
    const hosts = manifest.permissions.external.fetch.backend.map((b) => b.address);
    const regions = JSON.parse(
      readFileSync(join(__dirname, '..', '..', '..', 'shared', 'specs', 'genesys-regions.json'), 'utf8'),
    ) as Record<string, string>;
    expect(hosts).toEqual(
      expect.arrayContaining(['id.amiqus.co', '*.ada.support', '*.eu.ada.support', '*.maple.ada.support']),
    );
    for (const env of Object.values(regions)) {
      expect(hosts).toEqual(expect.arrayContaining([`login.${env}`, `api.${env}`]));
    }
  });
});
