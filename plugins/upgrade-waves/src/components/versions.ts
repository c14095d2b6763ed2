/** What a target version must look like: `1.23.0`, or with a pre-release such as `1.24.0-beta.1`. */
export const VERSION_PATTERN = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

function parse(version: string) {
  const [core, ...rest] = version.split('-');
  const numbers = core.split('.').map(n => Number.parseInt(n, 10) || 0);
  return { numbers, prerelease: rest.join('-') };
}

/**
 * Semver order of two versions, for sorting oldest first: by major, minor and patch, a pre-release before its
 * release, pre-releases by their text.
 */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < 3; i++) {
    const diff = (pa.numbers[i] ?? 0) - (pb.numbers[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (pa.prerelease === pb.prerelease) return 0;
  if (!pa.prerelease) return 1;
  if (!pb.prerelease) return -1;
  return pa.prerelease.localeCompare(pb.prerelease, 'en-US', { numeric: true });
}

/** The versions, each once, newest first. */
export function newestFirst(versions: Iterable<string>): string[] {
  return [...new Set(versions)].sort((a, b) => compareVersions(b, a));
}
