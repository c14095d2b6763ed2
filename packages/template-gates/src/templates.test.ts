import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatFinding } from './gates/Finding';
import { checkActionInputs } from './gates/actionInputs';
import { GateReport, runGates } from './gates/runGates';
import {
  checkCatalogInfo,
  checkTemplateForm,
  configuredGitlabHosts,
  patternParameters,
} from './gates/templateForm';
import { DryRunRenderer, RenderError } from './render/DryRunRenderer';
import { repositoryRoot, templateFolderPaths } from './repository';
import { loadTemplateFolder } from './TemplateFolder';

// Every templates/<name>/ folder goes through the gates: see README.md.
jest.setTimeout(240_000);

const root = repositoryRoot();
const gitlabHosts = configuredGitlabHosts(path.join(root, 'app-config.yaml'));
const folderPaths = templateFolderPaths(root);
const reports: Record<string, Record<string, GateReport>> = {};
let renderer: DryRunRenderer;
let actionInputSchemas: Map<string, Record<string, unknown>>;

beforeAll(async () => {
  renderer = await DryRunRenderer.start({ gitlabHosts });
  actionInputSchemas = await renderer.actionInputSchemas();
});

afterAll(async () => {
  await renderer?.stop();
  // FLEETDECK_GATES_REPORT=<file> keeps what the gates looked at (kinds, builds, test runs) for the notes.
  if (process.env.FLEETDECK_GATES_REPORT) {
    writeFileSync(
      process.env.FLEETDECK_GATES_REPORT,
      JSON.stringify(reports, null, 2),
    );
  }
});

it('finds the templates under templates/', () => {
  expect(folderPaths.length).toBeGreaterThan(0);
});

describe.each(folderPaths.map(dir => [path.basename(dir), dir]))(
  'template %s',
  (name, dir) => {
    const folder = loadTemplateFolder(dir);

    it('keeps the template shape (form validation, owner picker, GitLab hosts left to the portal, steps, output links)', () => {
      expect(
        checkTemplateForm(name, folder.template).map(formatFinding),
      ).toEqual([]);
    });

    it('has a form that refuses a value breaking each pattern', async () => {
      // Top-level parameters only: nested objects' patterns are exercised by the renders.
      const parameters = patternParameters(folder.template)
        .map(([parameter]) => parameter)
        .filter(parameter => !parameter.includes('.'));
      const outcomes: Record<string, string> = {};
      for (const parameter of parameters) {
        const values = {
          ...folder.valueSets[0].values,
          [parameter]: '-Not A_Valid value-',
        };
        outcomes[parameter] = await renderer.render(folder, values).then(
          () => 'accepted by the form',
          error => {
            const body = error instanceof RenderError ? error.body : undefined;
            const refusedHere = (
              body as { errors?: Array<{ property?: string }> }
            )?.errors?.some(e => e.property === `instance.${parameter}`);
            return refusedHere
              ? 'refused'
              : `failed otherwise: ${String(error).slice(0, 300)}`;
          },
        );
      }
      expect(outcomes).toEqual(
        Object.fromEntries(parameters.map(parameter => [parameter, 'refused'])),
      );
    });

    it.each(folder.valueSets.map(set => [set.name, set] as const))(
      'renders with the %s values and passes every gate',
      async (setName, set) => {
        const rendering = await renderer.render(folder, set.values);
        // FLEETDECK_GATES_KEEP=<dir> keeps each rendering in <dir>/<template>/<value set>/ to look at.
        if (process.env.FLEETDECK_GATES_KEEP) {
          for (const [file, content] of rendering.files) {
            const target = path.join(
              process.env.FLEETDECK_GATES_KEEP,
              name,
              setName,
              file,
            );
            mkdirSync(path.dirname(target), { recursive: true });
            writeFileSync(target, content);
          }
        }
        const report = runGates(rendering.files);
        report.findings.push(
          ...checkCatalogInfo(folder.template, rendering.files),
          ...checkActionInputs(name, rendering.stepInputs, actionInputSchemas),
        );
        (reports[name] ??= {})[setName] = report;
        // what the gates could not check here (e.g. charts unrendered without helm) is said, not skipped silently
        for (const note of report.notes)
          console.warn(`template ${name}, ${setName} values: ${note}`);
        expect(report.findings.map(formatFinding)).toEqual([]);
      },
    );
  },
);
