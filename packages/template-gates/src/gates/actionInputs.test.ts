import { formatFinding } from './Finding';
import { checkActionInputs } from './actionInputs';

// The shape of publish:gitlab's input schema (zod → JSON schema, as the scaffolder serves it)
const publishSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['repoUrl'],
  additionalProperties: false,
  properties: {
    repoUrl: { type: 'string' },
    defaultBranch: { type: 'string' },
    settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        description: { type: 'string' },
        visibility: { type: 'string', enum: ['private', 'public', 'internal'] },
      },
    },
  },
};
const schemas = new Map([['publish:gitlab', publishSchema]]);

describe('checkActionInputs', () => {
  it('passes inputs the action accepts, and steps of actions without a schema', () => {
    expect(
      checkActionInputs(
        'demo',
        [
          {
            stepId: 'publish',
            action: 'publish:gitlab',
            input: {
              repoUrl: 'gitlab.com?owner=platform&repo=orders',
              settings: { description: 'Orders', visibility: 'internal' },
            },
          },
          { stepId: 'log', action: 'debug:log', input: { anything: 1 } },
        ],
        schemas,
      ),
    ).toEqual([]);
  });

  it('names the step, the action and what its schema refuses', () => {
    expect(
      checkActionInputs(
        'demo',
        [
          {
            stepId: 'publish',
            action: 'publish:gitlab',
            input: {
              description: 'Orders',
              settings: { visibility: 'secret' },
            },
          },
        ],
        schemas,
      ).map(formatFinding),
    ).toEqual([
      '[template/action-inputs] demo/template.yaml step publish (publish:gitlab): input must have required property \'repoUrl\' {"missingProperty":"repoUrl"}',
      '[template/action-inputs] demo/template.yaml step publish (publish:gitlab): input must NOT have additional properties {"additionalProperty":"description"}',
      '[template/action-inputs] demo/template.yaml step publish (publish:gitlab): input/settings/visibility must be equal to one of the allowed values {"allowedValues":["private","public","internal"]}',
    ]);
  });
});
