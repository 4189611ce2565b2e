import { build } from 'esbuild';
import { join } from 'node:path';

/**
 * Bundles one UI Kit resource (manifest.yml `resources`) for the browser, behind the sandbox's host script:
 * the host's `import` comes first, so `self.__bridge` exists before `@forge/bridge` loads, exactly the order
 * Forge's CDN script and the app's bundle have in Jira. Built once per process per resource.
 */

const HOST_ENTRY = join(__dirname, 'browser', 'host.ts');
const cache = new Map<string, Promise<string>>();

export function bundleResource(repoRoot: string, resourcePath: string): Promise<string> {
  const key = `${repoRoot}:${resourcePath}`;
  let bundle = cache.get(key);
  if (!bundle) {
    bundle = buildBundle(repoRoot, resourcePath);
    // A failed build is not remembered: fixing the file and reloading the page tries again.
    bundle.catch(() => cache.delete(key));
    cache.set(key, bundle);
  }
  return bundle;
}

async function buildBundle(repoRoot: string, resourcePath: string): Promise<string> {
  const result = await build({
    stdin: {
      contents: `import ${JSON.stringify(HOST_ENTRY)};\nimport ${JSON.stringify(join(repoRoot, resourcePath))};\n`,
      resolveDir: repoRoot,
      loader: 'ts',
      sourcefile: `ui-host:${resourcePath}`,
    },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    minify: true,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}
