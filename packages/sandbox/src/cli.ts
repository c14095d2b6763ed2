/*
 * fleetdeck-sandbox: starts a sandbox fleet on loopback and writes the app-config that points the portal at it.
 *
 *   fleetdeck-sandbox start [--scenario default|scale] [--out <dir>] [--no-sentinel]
 *
 * It runs until interrupted (Ctrl-C / SIGTERM), then stops every server and process it started.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  Fleet,
  kubernetesConfig,
  TEMPLATES_GITLAB_GROUP,
} from './scenarios/Fleet';
import { startScaleFleet } from './scenarios/scale';

/** The repository root: the nearest folder up from here with a backstage.json. */
function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'backstage.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(`not inside the Fleetdeck repository: ${from}`);
    dir = parent;
  }
  return dir;
}

const ROOT = findRoot(process.cwd());

function parseArgs(argv: string[]) {
  const [command = 'start', ...rest] = argv;
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [key, inline] = arg.slice(2).split('=', 2);
    if (key.startsWith('no-')) flags[key.slice(3)] = false;
    else
      flags[key] =
        inline ??
        (rest[i + 1] && !rest[i + 1].startsWith('--') ? rest[++i] : true);
  }
  return { command, flags };
}

/** Stops what was started on Ctrl-C, SIGTERM or a crash, then exits. */
function onShutdown(stop: () => Promise<void>) {
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stop().catch(error => console.error(error));
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('uncaughtException', error => {
    console.error(error);
    void shutdown(1);
  });
}

async function start(flags: Record<string, string | boolean>) {
  const scenario = String(flags.scenario ?? 'default');
  if (scenario !== 'default' && scenario !== 'scale') {
    throw new Error(`unknown scenario ${scenario}; known: default, scale`);
  }
  const out = path.resolve(
    String(flags.out ?? path.join(ROOT, '.data/sandbox')),
  );
  const configFile = path.join(out, 'app-config.sandbox.yaml');
  await mkdir(out, { recursive: true });
  await rm(configFile, { force: true });

  const started = Date.now();
  if (scenario === 'scale') {
    const clusters = await startScaleFleet();
    onShutdown(async () => {
      await rm(configFile, { force: true });
      await Promise.all(clusters.map(c => c.stop()));
    });
    await writeFile(
      configFile,
      `# Written by fleetdeck-sandbox (scenario scale); removed when it stops.\n${stringify(
        { kubernetes: kubernetesConfig(clusters) },
      )}`,
      { mode: 0o600 },
    );
    console.log(
      `sandbox scenario "scale" up in ${Date.now() - started} ms: ${
        clusters.length
      } clusters\n  app-config: ${configFile}`,
    );
    return;
  }
  const fleet = await Fleet.startDefault({
    sentinel: flags.sentinel !== false,
  });
  onShutdown(async () => {
    await rm(configFile, { force: true });
    await fleet.stop();
  });
  const catalogFile = path.join(out, 'catalog-sandbox.yaml');
  await writeFile(catalogFile, fleet.catalogYaml());
  const config = fleet.appConfig({
    catalogFile,
    rootCatalogFile: path.join(ROOT, 'catalog-info.yaml'),
  });
  await writeFile(
    configFile,
    `# Written by fleetdeck-sandbox (scenario ${scenario}); removed when it stops.\n${stringify(
      config,
    )}`,
    { mode: 0o600 },
  );

  const lines = [
    `sandbox scenario "${scenario}" up in ${Date.now() - started} ms`,
    ...fleet.clusters.map(
      c =>
        `  cluster ${c.cluster.name.padEnd(13)} batch ${c.batch.padEnd(12)} ${
          c.cluster.url
        }  istio ${c.cluster.istioVersion()}`,
    ),
    `  gitlab   ${fleet.gitlab.url}/api/v4  (templates publish into group ${TEMPLATES_GITLAB_GROUP})`,
    `  metrics  ${fleet.metrics.url}`,
    ...(fleet.sentinel
      ? [
          `  sentinel ${fleet.sentinel
            .sentinelAddresses()
            .map(s => `${s.host}:${s.port}`)
            .join(', ')} (master ${fleet.sentinel.masterName})`,
        ]
      : []),
    ...fleet.pools.map(
      p =>
        `  warm pool ${p.cluster}/${p.provisioner.namespace}/${p.provisioner.poolName}`,
    ),
    `  app-config: ${configFile}`,
  ];
  console.log(lines.join('\n'));
}

async function main() {
  const { command, flags } = parseArgs(process.argv.slice(2));
  if (command === 'start') return start(flags);
  if (command === 'help' || flags.help) {
    console.log(
      'usage: fleetdeck-sandbox start [--scenario default|scale] [--out <dir>] [--no-sentinel]',
    );
    return undefined;
  }
  throw new Error(`unknown command ${command} (try: start)`);
}

main().catch(error => {
  console.error(
    `fleetdeck-sandbox: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});
