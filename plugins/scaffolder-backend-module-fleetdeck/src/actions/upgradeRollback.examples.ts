import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { templateExample } from './templateExample';

const step = (input: object) => ({
  id: 'rollback-wave',
  name: 'Roll the wave back',
  action: 'fleetdeck:upgrade:rollback',
  input,
});

export const examples: TemplateExample[] = [
  templateExample(
    'Roll back an upgrade wave',
    step({ waveId: 'wave-soaking' }),
  ),
  templateExample(
    'Roll back an upgrade wave with a comment for the audit log',
    step({
      waveId: 'wave-soaking',
      comment: 'p95 latency on checkout doubled after the sidecar restart',
    }),
  ),
];
