/*
 * Issue 7: how long after a real sentinel publishes `+switch-master` Fleetdeck has the failover record stored and
 * signalled (goal: 100 ms), beside the whole failover Sentinel took.
 *
 * A SentinelTopology of real redis-server processes (1 master, 2 replicas, 3 sentinels, down-after 2000 ms) is
 * watched by the plugin's SentinelMonitor as the backend runs it (FailoverRecorder, SentinelStore on SQLite,
 * a signals publisher). The worker subscribes to every sentinel on connections of its own and takes the first
 * `+switch-master` any of them publishes as the origin; the store and the signals publisher note when the
 * record carrying the switch was stored and when the signal for that phase was published. Runs alternate a
 * killed master (Sentinel's time counted from the first `+sdown`) and a failover requested through the monitor
 * (`SENTINEL FAILOVER`, counted from the request).
 *
 * The plugin's TypeScript needs Backstage's node transform, so the measuring runs in a child process
 * (bench/workers/sentinelFailover.cts) that prints its figures as one JSON line.
 */
import { runWorker } from '../runWorker.ts';
import type { BenchFigure, Benchmark } from '../types.ts';
import type {
  FailoverRun,
  SentinelFailoverResult,
} from '../workers/sentinelFailover.cts';

/** Three killed masters and two requested failovers between them: about a minute. */
const RUNS = 5;
const GOAL_MS = 100;

/** The middle value; the mean of the two middle ones for an even count. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function describe(run: FailoverRun, index: number): string {
  const s = run.sentinel;
  const f = run.fleetdeck;
  const origin =
    run.kind === 'kill' ? 'from the first +sdown' : 'from the request';
  return [
    `run ${index + 1} ${run.kind} ${run.oldMaster} → ${run.newMaster}`,
    `Sentinel ${origin}: ${s.toSwitchMasterMs} ms to +switch-master, ${s.toFailoverEndMs} ms to +failover-end`,
    `timeline from the ${run.kind === 'kill' ? 'kill' : 'request'} (ms): ${[
      s.firstSdownMs !== undefined ? `+sdown ${s.firstSdownMs}` : '',
      s.firstOdownMs !== undefined ? `+odown ${s.firstOdownMs}` : '',
      s.tryFailoverMs !== undefined ? `+try-failover ${s.tryFailoverMs}` : '',
      `+failover-end ${s.failoverEndMs}`,
      `+switch-master ${s.switchMasterMs.join(' / ')} (first by ${
        run.firstSwitchBy
      })`,
      f.requestAnsweredMs !== undefined
        ? `request answered ${f.requestAnsweredMs}`
        : '',
    ]
      .filter(Boolean)
      .join(', ')}`,
    `Fleetdeck after the first +switch-master (ms): monitor received ${f.monitorReceivedMs}, record with the switch stored ${f.recordStoredMs} (write ${f.storeWriteMs}), signal published ${f.signalPublishedMs}; first record with the new master stored ${f.newMasterFirstStoredMs}`,
  ].join('; ');
}

const bench: Benchmark = {
  name: 'sentinel-failover: from a real sentinel’s +switch-master to the failover record stored and signalled (3 sentinels, down-after 2000 ms)',
  peer: `the ${GOAL_MS} ms goal of issue 7 (delay rows); Redis Sentinel’s own failover time (whole-failover rows)`,
  async run(): Promise<BenchFigure[]> {
    const result = await runWorker<SentinelFailoverResult>(
      'sentinelFailover.cts',
      ['--runs', String(RUNS)],
    );
    const { runs } = result;
    console.log(
      `  topology + monitor ready in ${(result.startupMs / 1000).toFixed(
        1,
      )} s; down-after ${result.downAfterMs} ms, failover-timeout ${
        result.failoverTimeoutMs
      } ms, poll every ${result.pollIntervalMs} ms; ${
        result.storeWrites
      } store writes, ${result.signals} signals in all`,
    );
    runs.forEach((run, i) => console.log(`  ${describe(run, i)}`));
    for (const warning of result.warnings) {
      console.log(`  warning: ${warning}`);
    }

    const stored = runs.map(r => r.fleetdeck.recordStoredMs);
    const signalled = runs.map(r => r.fleetdeck.signalPublishedMs);
    // Both done: the record is in the database and the frontends have been told.
    const both = runs.map(r =>
      Math.max(r.fleetdeck.recordStoredMs, r.fleetdeck.signalPublishedMs),
    );
    console.log(
      `  after the first +switch-master (ms): stored ${stored.join(
        ', ',
      )}; signalled ${signalled.join(', ')}`,
    );

    const delay = (
      what: string,
      values: number[],
      p: 'p50' | 'max',
    ): BenchFigure => ({
      metric: `${what} after the first +switch-master, ${
        p === 'p50' ? 'p50 (median)' : 'max'
      } of ${values.length} failovers (vs the goal)`,
      unit: 'ms',
      fleetdeck: round(p === 'p50' ? median(values) : Math.max(...values)),
      peer: GOAL_MS,
      better: 'lower',
    });
    const figures: BenchFigure[] = [
      delay(
        'failover record with the switch (phase and new master) stored',
        stored,
        'p50',
      ),
      delay(
        'failover record with the switch (phase and new master) stored',
        stored,
        'max',
      ),
      delay('switch-master signal published', signalled, 'p50'),
      delay('switch-master signal published', signalled, 'max'),
    ];

    // Side by side with Sentinel: the failover as Fleetdeck has it (stored and signalled) against Sentinel's own.
    for (const kind of ['kill', 'manual'] as const) {
      const of = runs.filter(r => r.kind === kind);
      if (of.length === 0) continue;
      const origin =
        kind === 'kill'
          ? 'master killed: first +sdown'
          : 'SENTINEL FAILOVER: request';
      figures.push({
        metric: `${origin} → stored and signalled (Fleetdeck) vs → first +switch-master (Sentinel), median of ${of.length}`,
        unit: 'ms',
        fleetdeck: round(
          median(
            of.map(r => r.sentinel.toSwitchMasterMs + both[runs.indexOf(r)]),
          ),
        ),
        peer: round(median(of.map(r => r.sentinel.toSwitchMasterMs))),
        better: 'lower',
      });
    }
    return figures;
  },
};

export default bench;
