import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** An example as the scaffolder shows it: a template's `steps` holding the one step. */
export function templateExample(
  description: string,
  step: { id: string; name: string; action: string; input: object },
): TemplateExample {
  return { description, example: yaml.stringify({ steps: [step] }) };
}

/** The step of each example, for tests that run them. */
export function exampleSteps(examples: TemplateExample[]) {
  return examples.map(
    e => [e.description, yaml.parse(e.example).steps[0]] as const,
  );
}
