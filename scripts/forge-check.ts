/**
 * Forge's own toolchain over the app, offline: what `forge lint` and `forge deploy` run before an upload.
 *
 *  1. `@forge/lint`'s client-side linters over every file in src/ (the permission linter checks each
 *     `requestJira(route...)` against Jira's OpenAPI file in ../shared/specs, read locally with
 *     USE_LOCAL_SWAGGER=1 as the linter's source allows). Any error or warning fails, and so does a file in src/
 *     the linter did not parse (it keeps only TypeScript files matched by tsconfig.json `include`).
 *  2. `@forge/bundler`'s node bundler over the modules the manifest's functions name.
 *  3. `@forge/bundler`'s native UI bundler over the UI Kit resources.
 *
 * Bundles go to the OS temp dir and are removed afterwards. Two remote inputs are replaced, both outside the
 * app's code: the Forge feature-flag service (no deprecated runtimes, no Teamwork Graph) and the Node runtime
 * wrapper Forge downloads from its CDN at deploy time (a placeholder: the check is about the app's bundle).
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const SPECS = path.resolve(ROOT, '../shared/specs');

class ToolchainMissing extends Error {}

type Loaded = {
  lint: typeof import('@forge/lint');
  bundler: typeof import('@forge/bundler');
  shared: typeof import('@forge/cli-shared');
};

function loadToolchain(): Loaded {
  try {
    // keytar (under @forge/cli-shared) is a native module built against libsecret; npm skips the optional
    // dependencies when it cannot build, so a missing toolchain surfaces here and must not pass silently.
    /* eslint-disable @typescript-eslint/no-require-imports */
    return { lint: require('@forge/lint'), bundler: require('@forge/bundler'), shared: require('@forge/cli-shared') };
    /* eslint-enable @typescript-eslint/no-require-imports */
  } catch (error) {
    throw new ToolchainMissing(
      [
        `Forge's toolchain (@forge/lint, @forge/bundler) could not be loaded: ${(error as Error).message.split('\n')[0]}`,
        'npm skips these optional dependencies when keytar cannot be built. Install libsecret-1-dev (Debian/Ubuntu:',
        '`sudo apt-get install libsecret-1-dev pkg-config`), then run `npm ci` again. .ci/run does both.',
      ].join('\n'),
    );
  }
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : [full];
  });
}

const quietLogger = (problems: string[]) => ({
  traceEnabled: false,
  debugEnabled: false,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => problems.push(message),
  error: (error: Error) => problems.push(error.message),
});

/** Forge's remote feature flags, answered as for an app that uses none of the flagged features. */
const offlineFlags = { getDeprecatedRuntimes: async () => [], isTeamworkGraphProductSupported: async () => false };

function localSwaggerEnv(scratch: string): void {
  const empty = path.join(scratch, 'no-paths.json');
  writeFileSync(empty, JSON.stringify({ paths: {} }));
  Object.assign(process.env, {
    USE_LOCAL_SWAGGER: '1',
    LOCAL_JIRA_SWAGGER: path.join(SPECS, 'jira-platform-openapi.json'),
    LOCAL_JSW_SWAGGER: path.join(SPECS, 'jira-software-openapi.json'),
    // The app calls no Service Management, Confluence or Bitbucket API.
    LOCAL_JSM_SWAGGER: empty,
    LOCAL_CONF_SWAGGER: empty,
    LOCAL_CONF_V2_SWAGGER: empty,
    LOCAL_BB_SWAGGER: empty,
  });
}

async function runLint({ lint, shared }: Loaded, failures: string[]): Promise<void> {
  const reader = new shared.FileSystemReader();
  const configFile = new shared.ConfigFile(reader, new shared.FileSystemWriter());
  const manifest = await configFile.readConfig();
  const files = sourceFiles('src').filter((f) => /\.[cm]?[jt]sx?$/.test(f));
  const parsed = new Set<string>();
  const lintLog: string[] = [];
  const results = await lint.lint(
    files,
    manifest,
    'development',
    quietLogger(lintLog) as never,
    offlineFlags as never,
    {
      linter: { mode: 'client-side' },
      parseFunction: async (filepath: string, parser: never) => {
        parsed.add(path.normalize(filepath));
        return lint.parseSourceFile(filepath, parser);
      },
    } as never,
  );
  const unparsed = files.filter((f) => !parsed.has(path.normalize(f)));
  if (unparsed.length)
    failures.push(
      `@forge/lint parsed ${parsed.size} of ${files.length} files in src/; not parsed (check tsconfig.json "include"): ${unparsed.join(', ')}`,
    );
  for (const result of results) {
    for (const p of [...result.errors, ...result.warnings, ...result.approvals]) {
      failures.push(`@forge/lint ${result.file || 'manifest.yml'}:${p.line}:${p.column} ${p.message}`);
    }
  }
  const counts = lint.problemCount(results);
  console.log(
    `@forge/lint: ${parsed.size}/${files.length} files in src/ parsed; ${counts.errors} errors, ${counts.warnings} warnings`,
  );
}

async function runNodeBundler({ bundler, shared }: Loaded, failures: string[]): Promise<void> {
  const reader = new shared.FileSystemReader();
  const configFile = new shared.ConfigFile(reader, new shared.FileSystemWriter());
  const handlers = await configFile.getAppHandlers();
  const entryPoints = bundler.getEntryPoints(handlers);
  const placeholder = {
    script: '/* Forge Node runtime wrapper: fetched from Forge at deploy time */',
    source: 'offline',
    version: 'offline',
  };
  const wrapper = { getNodeRuntimeWrapper: async () => placeholder, getNodeRuntimeLoader: async () => placeholder };
  const problems: string[] = [];
  try {
    const output = await bundler
      .getNodeBundler(quietLogger(problems) as never, wrapper, configFile)
      .bundle({ appDirectory: ROOT, entryPoints });
    const bundled = readdirSync(output.outputDir).filter((f) => f.endsWith('.cjs'));
    rmSync(output.outputDir, { recursive: true, force: true });
    const missing = entryPoints.filter((e) => !bundled.includes(`${e.name}.cjs`));
    if (missing.length) failures.push(`node bundler wrote no bundle for ${missing.map((e) => e.name).join(', ')}`);
    console.log(
      `@forge/bundler (node): ${entryPoints.map((e) => e.name).join(', ')} bundled for ${handlers.length} manifest functions`,
    );
  } catch (error) {
    failures.push(`node bundler: ${(error as Error).message}`);
  }
  failures.push(...problems.map((p) => `node bundler warning: ${p}`));
}

async function runNativeUiBundler({ bundler, shared }: Loaded, failures: string[]): Promise<void> {
  const configFile = new shared.ConfigFile(new shared.FileSystemReader(), new shared.FileSystemWriter());
  const resources = await configFile.getResources(['nativeUI']);
  if (resources.length === 0) failures.push('native UI bundler: the manifest names no UI Kit resource');
  const problems: string[] = [];
  try {
    const { nativeUiBundlesDetails } = await new bundler.NativeUIBundler(
      quietLogger(problems) as never,
    ).bundleResources(resources);
    for (const detail of nativeUiBundlesDetails) rmSync(detail.path, { recursive: true, force: true });
    console.log(
      `@forge/bundler (native UI): ${nativeUiBundlesDetails.map((r) => `${r.key} (${r.path === '' ? '?' : 'ok'})`).join(', ')}`,
    );
  } catch (error) {
    failures.push(`native UI bundler: ${(error as Error).message}`);
  }
  failures.push(...problems.map((p) => `native UI bundler warning: ${p}`));
}

async function main(): Promise<void> {
  process.chdir(ROOT);
  const toolchain = loadToolchain();
  const scratch = mkdtempSync(path.join(tmpdir(), 'erasure-desk-forge-check-'));
  const failures: string[] = [];
  try {
    localSwaggerEnv(scratch);
    await runLint(toolchain, failures);
    // `--lint-only` while iterating: the bundlers type-check every bundle and take minutes on a busy machine.
    if (!process.argv.includes('--lint-only')) {
      await runNodeBundler(toolchain, failures);
      await runNativeUiBundler(toolchain, failures);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error(`forge-check failed:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ToolchainMissing ? error.message : error);
  process.exitCode = 1;
});
