import path from 'node:path';
import { repositoryRoot } from '../repository';
import { loadTemplateFolder } from '../TemplateFolder';
import { DryRunRenderer, RenderError } from './DryRunRenderer';

jest.setTimeout(60_000);

const demo = loadTemplateFolder(
  path.join(repositoryRoot(), 'packages/template-gates/src/__fixtures__/demo'),
);
let renderer: DryRunRenderer;

beforeAll(async () => {
  renderer = await DryRunRenderer.start({ gitlabHosts: ['gitlab.com'] });
});

afterAll(() => renderer.stop());

describe('DryRunRenderer', () => {
  it('renders the skeleton with the values through the scaffolder, skipping publish and register', async () => {
    const rendering = await renderer.render(demo, demo.valueSets[1].values);
    expect([...rendering.files.keys()].sort()).toEqual([
      'catalog-info.yaml',
      'k8s/configmap.yaml',
    ]);
    expect(rendering.files.get('k8s/configmap.yaml')!.toString()).toContain(
      'name: payments',
    );
    expect(rendering.files.get('k8s/configmap.yaml')!.toString()).toContain(
      "replicas: '3'",
    );
    expect(rendering.log).toEqual(
      expect.arrayContaining([
        'Skipping because publish:gitlab does not support dry-run',
        'Skipping because catalog:register does not support dry-run',
      ]),
    );
    // the inputs of the skipped steps too, rendered, for the action-inputs gate
    expect(rendering.stepInputs.map(s => [s.stepId, s.action])).toEqual([
      ['fetch', 'fetch:template'],
      ['publish', 'publish:gitlab'],
      ['register', 'catalog:register'],
    ]);
    expect(rendering.stepInputs[1].input).toEqual({
      repoUrl: 'gitlab.com?owner=platform&repo=orders',
      defaultBranch: 'main',
    });
  });

  it('serves the input schemas of the registered actions', async () => {
    const schemas = await renderer.actionInputSchemas();
    expect(schemas.get('publish:gitlab')).toMatchObject({
      type: 'object',
      required: ['repoUrl'],
      additionalProperties: false,
    });
    expect([...schemas.keys()]).toEqual(
      expect.arrayContaining([
        'fetch:template',
        'publish:gitlab',
        'publish:gitlab:merge-request',
        'catalog:register',
      ]),
    );
  });

  it('answers with the form validation error when a value breaks its pattern', async () => {
    const error = await renderer
      .render(demo, { ...demo.valueSets[0].values, name: 'Orders_API' })
      .catch(e => e);
    expect(error).toBeInstanceOf(RenderError);
    expect(error.status).toBe(400);
    expect(JSON.stringify(error.body)).toContain(
      'instance.name does not match pattern',
    );
  });

  it('fails when a step names an action nobody registered', async () => {
    const broken = {
      ...demo,
      template: {
        ...demo.template,
        spec: {
          ...demo.template.spec,
          steps: [
            ...demo.template.spec.steps,
            { id: 'x', action: 'nobody:has:this' },
          ],
        },
      },
    };
    const error = await renderer
      .render(broken, demo.valueSets[0].values)
      .catch(e => e);
    expect(error).toBeInstanceOf(RenderError);
    expect(JSON.stringify(error.body)).toContain(
      "Template action with ID 'nobody:has:this' is not registered",
    );
  });
});
