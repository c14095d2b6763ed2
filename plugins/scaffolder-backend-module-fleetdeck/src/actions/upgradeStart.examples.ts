import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { templateExample } from './templateExample';

const step = (name: string, input: object) => ({
  id: 'start-wave',
  name,
  action: 'fleetdeck:upgrade:start',
  input,
});

export const examples: TemplateExample[] = [
  templateExample(
    'Start an upgrade wave of a batch to a new Istio version',
    step('Start the upgrade wave', {
      batchId: 'dev-wave-1',
      targetVersion: '1.24.2',
    }),
  ),
  templateExample(
    'Start a wave with a shorter soak and a reason for the audit log',
    step('Start the upgrade wave', {
      batchId: 'dev-wave-1',
      targetVersion: '1.24.2',
      soakSeconds: 900,
      reason: 'CVE-2025-0001 fix in the sidecar',
    }),
  ),
  templateExample(
    'Start a wave although the batch before is not yet healthy on the target version',
    step('Start the upgrade wave out of order', {
      batchId: 'staging',
      targetVersion: '1.24.2',
      overrideOrder: true,
      reason: 'Hotfix must reach staging before dev-wave-2 finishes',
    }),
  ),
];
