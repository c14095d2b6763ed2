import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Finding } from './Finding';

/**
 * The interpreter the gates run generated Python with: $FLEETDECK_GATES_PYTHON, else Debian's /usr/bin/python3
 * (where the apt packages python3-fastapi, python3-flask, python3-httpx, python3-pytest… install), else python3.
 */
export function pythonInterpreter(): string {
  if (process.env.FLEETDECK_GATES_PYTHON)
    return process.env.FLEETDECK_GATES_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function runPython(args: string[], cwd: string, timeoutMs = 120_000) {
  return spawnSync(pythonInterpreter(), args, {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: cwd },
  });
}

const COMPILE_SCRIPT = `
import json, sys
errors = []
for path in sys.argv[1:]:
    try:
        with open(path, 'rb') as f:
            compile(f.read(), path, 'exec')
    except SyntaxError as e:
        errors.append({'file': path, 'message': f'line {e.lineno}: {e.msg}'})
print(json.dumps(errors))
`;

export function isTestFile(file: string): boolean {
  const base = path.posix.basename(file);
  return /^test_.*\.py$/.test(base) || /_test\.py$/.test(base);
}

/** The folder a test belongs to: the nearest one up with requirements*.txt or pyproject.toml (else its own). */
export function pythonProjectOf(root: string, file: string): string {
  let dir = path.posix.dirname(file);
  for (;;) {
    const full = path.join(root, dir);
    if (
      existsSync(path.join(full, 'pyproject.toml')) ||
      existsSync(path.join(full, 'requirements.txt')) ||
      existsSync(path.join(full, 'requirements-dev.txt'))
    ) {
      return dir;
    }
    if (dir === '.' || dir === '') return path.posix.dirname(file);
    dir = path.posix.dirname(dir);
  }
}

/** Whether the interpreter can import pytest (else the tests run with unittest). */
export function hasPytest(): boolean {
  return runPython(['-c', 'import pytest'], process.cwd()).status === 0;
}

export interface PythonReport {
  findings: Finding[];
  compiled: number;
  /** Per project folder: how it ran and its summary line. */
  testRuns: Array<{
    project: string;
    runner: 'pytest' | 'unittest';
    summary: string;
  }>;
}

/** A requirement line that pins one version (`name==1.2.3`, extras allowed). */
function unpinnedRequirements(text: string): string[] {
  return text
    .split('\n')
    .map(l => l.replace(/#.*/, '').trim())
    .filter(l => l !== '' && !l.startsWith('-'))
    .filter(
      l => !/^[A-Za-z0-9_.\-[\],]+==[^=*]+$/.test(l.split(';')[0].trim()),
    );
}

/** Compiles every generated .py file and runs each project's tests; requirements must pin versions. */
export function checkPython(root: string, files: string[]): PythonReport {
  const report: PythonReport = { findings: [], compiled: 0, testRuns: [] };
  const pyFiles = files.filter(f => f.endsWith('.py'));

  for (const file of files.filter(f =>
    /(^|\/)requirements[^/]*\.txt$/.test(f),
  )) {
    for (const line of unpinnedRequirements(
      readFileSync(path.join(root, file), 'utf8'),
    )) {
      report.findings.push({
        gate: 'python',
        file,
        rule: 'requirements-pinned',
        message: `${line} must pin one version (name==x.y.z)`,
      });
    }
  }
  if (pyFiles.length === 0) return report;

  const compiled = runPython(['-c', COMPILE_SCRIPT, ...pyFiles], root);
  if (compiled.status !== 0) {
    report.findings.push({
      gate: 'python',
      file: '.',
      rule: 'compiles',
      message: `could not run ${pythonInterpreter()}: ${
        compiled.stderr || compiled.error
      }`,
    });
    return report;
  }
  for (const error of JSON.parse(compiled.stdout) as Array<{
    file: string;
    message: string;
  }>) {
    report.findings.push({
      gate: 'python',
      file: error.file,
      rule: 'compiles',
      message: error.message,
    });
  }
  report.compiled = pyFiles.length;

  const projects = [
    ...new Set(pyFiles.filter(isTestFile).map(f => pythonProjectOf(root, f))),
  ].sort();
  const pytest = projects.length > 0 && hasPytest();
  for (const project of projects) {
    const cwd = path.join(root, project);
    const result = pytest
      ? runPython(['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '.'], cwd)
      : runPython(
          ['-m', 'unittest', 'discover', '-s', '.', '-p', 'test_*.py'],
          cwd,
        );
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim();
    const lines = output.split('\n').filter(l => l.trim() !== '');
    const summary = lines[lines.length - 1] ?? '';
    report.testRuns.push({
      project,
      runner: pytest ? 'pytest' : 'unittest',
      summary,
    });
    if (result.status !== 0) {
      report.findings.push({
        gate: 'python',
        file: project,
        rule: 'tests-pass',
        message: `${pytest ? 'pytest' : 'unittest'} failed (exit ${
          result.status
        }):\n${lines.slice(-40).join('\n')}`,
      });
    }
  }
  return report;
}
