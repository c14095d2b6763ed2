import Ajv from 'ajv';
import type { StepInput } from '../render/DryRunRenderer';
import { Finding } from './Finding';

/**
 * Every step's input, as the scaffolder rendered it, against the input schema of its action: what the scaffolder
 * checks just before it runs a step for real. A dry-run skips publish:gitlab and catalog:register before that
 * check, so without this gate an input the action refuses (a misplaced `description`, a misspelt option) would
 * only fail once someone creates a repository from the portal.
 */
export function checkActionInputs(
  folderName: string,
  stepInputs: StepInput[],
  inputSchemas: Map<string, Record<string, unknown>>,
): Finding[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const findings: Finding[] = [];
  for (const { stepId, action, input } of stepInputs) {
    const schema = inputSchemas.get(action);
    if (!schema) continue; // the action declares no input schema: the scaffolder checks nothing either
    // Ajv knows draft-07 by its http URI only, and needs no $schema to validate it
    const { $schema: _draft, ...rest } = schema;
    const validate = ajv.compile(rest);
    if (validate(input)) continue;
    for (const error of validate.errors ?? []) {
      findings.push({
        gate: 'template',
        file: `${folderName}/template.yaml`,
        object: `step ${stepId} (${action})`,
        rule: 'action-inputs',
        message: `input${error.instancePath} ${error.message}${
          error.params ? ` ${JSON.stringify(error.params)}` : ''
        }`,
      });
    }
  }
  return findings;
}
