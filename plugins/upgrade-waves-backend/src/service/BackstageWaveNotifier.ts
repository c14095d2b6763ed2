import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { stringifyError } from '@backstage/errors';
import {
  upgradeWavesSignalChannels,
  Wave,
  WaveSignal,
} from '@fleetdeck/plugin-upgrade-waves-common';
import type { WaveNotifier } from '../orchestrator/types';

/** The owners to tell about a wave: those of the Components on its clusters and of the clusters themselves. */
export type OwnersOfWave = (wave: Wave) => Promise<string[]>;

/**
 * Signals on every transition (a channel per wave, and one for the fleet); notifications to approvers when a
 * wave awaits approval, to owners when it starts, fails or is rolled back, and to the starter and owners when it
 * needs a person. A failed signal is only logged (the page reads the state on its next refresh); a failed
 * notification throws, so the outbox that carries it tries again (the notification's scope makes a repeat replace
 * the first, not add a second).
 */
export class BackstageWaveNotifier implements WaveNotifier {
  constructor(
    private readonly options: {
      signals: SignalsService;
      notifications: NotificationService;
      logger: LoggerService;
      approvers: string[];
      ownersOf: OwnersOfWave;
      /** Path of the wave page in the portal, for links in notifications. */
      wavePath: (waveId: string) => string;
    },
  ) {}

  async transitioned(wave: Wave, type: string, clusterId?: string) {
    const message: WaveSignal = {
      waveId: wave.id,
      status: wave.status,
      type,
      clusterId,
      at: new Date().toISOString(),
    };
    await this.quietly('signal', async () => {
      await this.options.signals.publish({
        recipients: { type: 'broadcast' },
        channel: upgradeWavesSignalChannels.wave(wave.id),
        message: message as any,
      });
      await this.options.signals.publish({
        recipients: { type: 'broadcast' },
        channel: upgradeWavesSignalChannels.fleet,
        message: message as any,
      });
    });
  }

  async awaitingApproval(wave: Wave) {
    await this.notify(this.options.approvers, wave, {
      title: `Istio ${wave.targetVersion} for ${wave.batchId} awaits approval`,
      description: `${wave.createdBy} started the wave; pre-checks passed and the merge request is open. Approve or reject it in the portal.`,
      severity: 'high',
      topic: 'upgrade-waves:approval',
    });
  }

  async started(wave: Wave) {
    await this.notify(await this.options.ownersOf(wave), wave, {
      title: `Istio upgrade to ${wave.targetVersion} started on ${wave.batchId}`,
      description: `Workloads with Istio sidecars on the batch's clusters will be restarted.`,
      severity: 'normal',
      topic: 'upgrade-waves:started',
    });
  }

  async failed(wave: Wave, reason: string) {
    await this.notify(await this.options.ownersOf(wave), wave, {
      title: `Istio upgrade to ${wave.targetVersion} on ${wave.batchId}: ${wave.status}`,
      description: reason,
      severity: 'critical',
      topic: 'upgrade-waves:failed',
    });
  }

  async rolledBack(wave: Wave) {
    await this.notify(await this.options.ownersOf(wave), wave, {
      title: `${wave.batchId} rolled back to Istio ${wave.previousVersion}`,
      description: wave.reason ?? 'The upgrade was rolled back.',
      severity: 'high',
      topic: 'upgrade-waves:rolled-back',
    });
  }

  async needsAttention(wave: Wave, reason: string) {
    await this.notify(
      [wave.createdBy, ...(await this.options.ownersOf(wave))],
      wave,
      {
        title: `Istio upgrade to ${wave.targetVersion} on ${wave.batchId} needs attention`,
        description: `${reason} Retry, cancel or roll back the wave in the portal.`,
        severity: 'critical',
        topic: 'upgrade-waves:needs-attention',
      },
    );
  }

  private async notify(
    recipients: string[],
    wave: Wave,
    payload: {
      title: string;
      description: string;
      severity: 'critical' | 'high' | 'normal';
      topic: string;
    },
  ) {
    const refs = [
      ...new Set(
        recipients.flatMap(r => {
          try {
            return [
              stringifyEntityRef(parseEntityRef(r, { defaultKind: 'group' })),
            ];
          } catch {
            return [];
          }
        }),
      ),
    ];
    if (!refs.length) return;
    await this.options.notifications.send({
      recipients: { type: 'entity', entityRef: refs },
      payload: {
        ...payload,
        link: this.options.wavePath(wave.id),
        scope: `${payload.topic}:${wave.id}`,
      },
    });
  }

  private async quietly(what: string, fn: () => Promise<void>) {
    try {
      await fn();
    } catch (error) {
      this.options.logger.warn(
        `could not send ${what}: ${stringifyError(error)}`,
      );
    }
  }
}
