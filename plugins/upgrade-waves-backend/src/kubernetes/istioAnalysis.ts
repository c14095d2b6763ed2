import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdmissionregistrationV1Api,
  ApiextensionsV1Api,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { CheckReport } from '../checks/types';
import { callOptions, isNotFound } from './client';

/** The Istio CRDs whose absence breaks routing and security config (installed by Istio's `base` chart). */
export const ISTIO_CRDS = [
  'virtualservices.networking.istio.io',
  'destinationrules.networking.istio.io',
  'gateways.networking.istio.io',
  'serviceentries.networking.istio.io',
  'sidecars.networking.istio.io',
  'authorizationpolicies.security.istio.io',
  'peerauthentications.security.istio.io',
  'requestauthentications.security.istio.io',
];

/** `istioctl analyze` exits with this code when it found errors; its findings are still on stdout. */
const ISTIOCTL_FOUND_ISSUES = 79;
const SHOWN_MESSAGES = 5;

/** One finding of `istioctl analyze -o yaml`. */
export interface IstioAnalysisMessage {
  code?: string;
  level: string;
  message: string;
  origin?: string;
  documentationUrl?: string;
}

/**
 * Runs `istioctl analyze --all-namespaces -o yaml` against the cluster through a temporary kubeconfig
 * (removed afterwards: it holds the cluster's credentials). Error findings fail, warnings warn.
 */
export async function analyzeWithIstioctl(
  istioctlPath: string,
  kc: KubeConfig,
  signal: AbortSignal,
): Promise<CheckReport> {
  const dir = await mkdtemp(join(tmpdir(), 'upgrade-waves-istioctl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  try {
    await writeFile(kubeconfig, kc.exportConfig(), { mode: 0o600 });
    const run = await runIstioctl(
      istioctlPath,
      ['analyze', '--all-namespaces', '-o', 'yaml', '--kubeconfig', kubeconfig],
      signal,
    );
    const messages =
      run.exitCode === 0 || run.exitCode === ISTIOCTL_FOUND_ISSUES
        ? parseMessages(run.stdout)
        : undefined;
    if (!messages) {
      const output = (run.stderr || run.stdout).trim().slice(-500);
      return {
        outcome: 'failed',
        message: `istioctl analyze exited with code ${run.exitCode}${
          output ? `: ${output}` : ''
        }`,
        detail: { mode: 'istioctl', exitCode: run.exitCode },
      };
    }
    return reportMessages(messages);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runIstioctl(
  file: string,
  args: string[],
  signal: AbortSignal,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { signal, maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          // Not an exit status: the binary did not start, or the signal aborted it.
          reject(
            error.name === 'AbortError'
              ? error
              : new Error(
                  `istioctl at ${file} could not be run: ${error.message}`,
                ),
          );
          return;
        }
        resolve({
          exitCode: error ? Number(error.code) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

function parseMessages(stdout: string): IstioAnalysisMessage[] | undefined {
  if (!stdout.trim()) {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = parse(stdout);
  } catch {
    return undefined;
  }
  if (parsed === null || parsed === undefined) {
    return [];
  }
  if (!Array.isArray(parsed)) {
    return undefined;
  }
  return parsed
    .filter(m => m && typeof m === 'object')
    .map(m => ({
      code: m.code,
      level: String(m.level ?? 'Info'),
      message: String(m.message ?? ''),
      origin: m.origin,
      documentationUrl: m.documentationUrl,
    }));
}

function reportMessages(messages: IstioAnalysisMessage[]): CheckReport {
  const errors = messages.filter(m => m.level === 'Error');
  const warnings = messages.filter(m => m.level === 'Warning');
  const detail = { mode: 'istioctl', messages };
  if (errors.length === 0 && warnings.length === 0) {
    return {
      outcome: 'passed',
      message: 'istioctl analyze found no errors or warnings',
      detail,
    };
  }
  const shown = [...errors, ...warnings]
    .slice(0, SHOWN_MESSAGES)
    .map(
      m =>
        `${m.code ? `${m.code} ` : ''}(${m.level}) ${m.message}${
          m.origin ? ` [${m.origin}]` : ''
        }`,
    );
  const more =
    errors.length + warnings.length > SHOWN_MESSAGES
      ? `; and ${errors.length + warnings.length - SHOWN_MESSAGES} more`
      : '';
  return {
    outcome: errors.length > 0 ? 'failed' : 'warning',
    message: `istioctl analyze found ${plural(
      errors.length,
      'error',
    )} and ${plural(warnings.length, 'warning')}: ${shown.join('; ')}${more}`,
    detail,
  };
}

/**
 * Without istioctl: checks what the API shows. The sidecar injector webhook exists and its Service resolves,
 * and Istio's CRDs are installed. A kind the API server does not serve is reported, not failed.
 */
export async function analyzeThroughApi(
  kc: KubeConfig,
  signal: AbortSignal,
  timeoutMs?: number,
): Promise<CheckReport> {
  const opts = callOptions(signal, timeoutMs);
  const problems: string[] = [];
  const notServed: string[] = [];
  const checked: string[] = [];

  try {
    const configs = await kc
      .makeApiClient(AdmissionregistrationV1Api)
      .listMutatingWebhookConfiguration({}, opts);
    const istio = configs.items.filter(c =>
      (c.metadata?.name ?? '').includes('istio'),
    );
    if (istio.length === 0) {
      problems.push(
        'no Istio sidecar injector webhook (MutatingWebhookConfiguration istio-sidecar-injector)',
      );
    }
    const core = kc.makeApiClient(CoreV1Api);
    const services = new Map<string, Promise<boolean>>();
    const serviceExists = (namespace: string, name: string) => {
      const key = `${namespace}/${name}`;
      if (!services.has(key)) {
        services.set(
          key,
          core.readNamespacedService({ name, namespace }, opts).then(
            () => true,
            error => {
              if (isNotFound(error)) return false;
              throw error;
            },
          ),
        );
      }
      return services.get(key)!;
    };
    for (const config of istio) {
      for (const webhook of config.webhooks ?? []) {
        const service = webhook.clientConfig.service;
        if (!service) continue;
        const namespace = service.namespace;
        if (!(await serviceExists(namespace, service.name))) {
          problems.push(
            `webhook ${config.metadata?.name}/${webhook.name} calls Service ${namespace}/${service.name}, which does not exist`,
          );
        }
      }
      checked.push(`webhook ${config.metadata?.name}`);
    }
  } catch (error) {
    if (!isNotFound(error)) throw error;
    notServed.push(
      'MutatingWebhookConfiguration (admissionregistration.k8s.io/v1)',
    );
  }

  try {
    const crds = await kc
      .makeApiClient(ApiextensionsV1Api)
      .listCustomResourceDefinition({}, opts);
    const byName = new Map(crds.items.map(c => [c.metadata?.name ?? '', c]));
    const missing = ISTIO_CRDS.filter(name => !byName.has(name));
    if (missing.length > 0) {
      problems.push(`Istio CRDs missing: ${missing.join(', ')}`);
    }
    const notEstablished = ISTIO_CRDS.filter(name =>
      (byName.get(name)?.status?.conditions ?? []).some(
        c => c.type === 'Established' && c.status === 'False',
      ),
    );
    if (notEstablished.length > 0) {
      problems.push(`Istio CRDs not established: ${notEstablished.join(', ')}`);
    }
    checked.push(`${ISTIO_CRDS.length - missing.length} Istio CRDs`);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    notServed.push('CustomResourceDefinition (apiextensions.k8s.io/v1)');
  }

  const detail = { mode: 'api', checked, problems, notServed };
  if (problems.length > 0) {
    return { outcome: 'failed', message: problems.join('; '), detail };
  }
  const unserved =
    notServed.length > 0
      ? `the API server does not serve ${notServed.join(
          ' or ',
        )}, so those were not checked (configure upgradeWaves.checks.istioctl.path to run istioctl analyze)`
      : '';
  if (checked.length === 0) {
    return {
      outcome: 'skipped',
      message: `Istio analysis skipped: ${unserved}`,
      detail,
    };
  }
  if (notServed.length > 0) {
    return {
      outcome: 'warning',
      message: `Checked ${checked.join(' and ')}; ${unserved}`,
      detail,
    };
  }
  return {
    outcome: 'passed',
    message: `Checked ${checked.join(' and ')}: no problems found`,
    detail,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
