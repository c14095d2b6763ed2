import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import { blue, grey } from '@material-ui/core/colors';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatTime } from '@fleetdeck/frontend-common';
import {
  MetricSnapshot,
  ValidationThresholds,
  WaveCluster,
} from '@fleetdeck/plugin-upgrade-waves-common';

const useStyles = makeStyles(theme => ({
  cluster: {
    '& + &': {
      marginTop: theme.spacing(3),
      paddingTop: theme.spacing(2),
      borderTop: `1px solid ${theme.palette.divider}`,
    },
  },
  over: { color: theme.palette.error.main, fontWeight: 500 },
}));

/** The largest error rate and p95 latency the post-checks accept for a cluster with `baseline`. */
export function metricThresholds(
  baseline: MetricSnapshot,
  thresholds: ValidationThresholds,
) {
  return {
    errorRate: baseline.errorRate + thresholds.maxErrorRateIncrease,
    latencyP95Ms:
      baseline.latencyP95Ms * (1 + thresholds.maxLatencyIncreasePercent / 100),
    minRequestRate: thresholds.minRequestRate,
  };
}

/** An error rate (a fraction) as a percentage: 0.012 → "1.20 %". */
export const formatErrorRate = (fraction: number) =>
  `${(fraction * 100).toFixed(2)} %`;
/** A latency in whole milliseconds. */
export const formatLatency = (ms: number) => `${Math.round(ms)} ms`;
/** Requests per second. */
export const formatRequestRate = (rps: number) =>
  `${rps.toFixed(rps < 10 ? 1 : 0)} rps`;

function BaselineChart(props: {
  title: string;
  baseline: number;
  now?: number;
  threshold: number;
  format: (value: number) => string;
}) {
  const { title, baseline, now, threshold, format } = props;
  const theme = useTheme();
  const rows = [
    { name: 'baseline', value: baseline, color: grey[500] },
    ...(now === undefined
      ? []
      : [{ name: 'now', value: now, color: blue[500] }]),
  ];
  return (
    <Box>
      <Typography variant="subtitle2" component="h4">
        {title}
      </Typography>
      <ResponsiveContainer width="100%" height={180}>
        <BarChart data={rows} margin={{ top: 16, right: 56, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="name" stroke={theme.palette.text.secondary} />
          <YAxis
            tickFormatter={format}
            width={72}
            stroke={theme.palette.text.secondary}
          />
          <Tooltip formatter={(value: number) => format(value)} />
          <Bar dataKey="value" name={title} isAnimationActive={false}>
            {rows.map(row => (
              <Cell key={row.name} fill={row.color} />
            ))}
          </Bar>
          <ReferenceLine
            y={threshold}
            stroke={theme.palette.error.main}
            strokeDasharray="6 4"
            ifOverflow="extendDomain"
            label={{
              value: `limit ${format(threshold)}`,
              position: 'right',
              fill: theme.palette.error.main,
              fontSize: 11,
            }}
          />
        </BarChart>
      </ResponsiveContainer>
    </Box>
  );
}

interface Row {
  metric: string;
  baseline: string;
  now: string;
  limit: string;
  over?: boolean;
}

function rowsOf(
  baseline: MetricSnapshot,
  latest: MetricSnapshot | undefined,
  thresholds: ValidationThresholds,
): Row[] {
  const limits = metricThresholds(baseline, thresholds);
  const dash = '—';
  return [
    {
      metric: 'Error rate',
      baseline: formatErrorRate(baseline.errorRate),
      now: latest ? formatErrorRate(latest.errorRate) : dash,
      limit: `at most ${formatErrorRate(limits.errorRate)}`,
      over: latest && latest.errorRate > limits.errorRate,
    },
    {
      metric: 'p95 latency',
      baseline: formatLatency(baseline.latencyP95Ms),
      now: latest ? formatLatency(latest.latencyP95Ms) : dash,
      limit: `at most ${formatLatency(limits.latencyP95Ms)}`,
      over: latest && latest.latencyP95Ms > limits.latencyP95Ms,
    },
    {
      metric: 'Request rate',
      baseline: formatRequestRate(baseline.requestRate),
      now: latest ? formatRequestRate(latest.requestRate) : dash,
      limit: `at least ${formatRequestRate(limits.minRequestRate)}`,
      over: latest && latest.requestRate < limits.minRequestRate,
    },
  ];
}

function verdict(over: boolean | undefined) {
  if (over === undefined) return '—';
  return over ? 'outside' : 'within';
}

function ClusterMetrics(props: {
  cluster: WaveCluster;
  thresholds: ValidationThresholds;
}) {
  const { cluster, thresholds } = props;
  const classes = useStyles();
  const { baseline, latest } = cluster;

  return (
    <section
      className={classes.cluster}
      aria-label={`Metrics of ${cluster.name}`}
    >
      <Typography variant="h6" component="h3">
        {cluster.name}
      </Typography>
      {!baseline ? (
        <Typography variant="body2" color="textSecondary">
          No baseline yet: the pre-checks capture it before the upgrade.
        </Typography>
      ) : (
        <>
          <Typography variant="caption" color="textSecondary" component="p">
            Baseline captured at {formatTime(baseline.at)}
            {latest
              ? `; now measured at ${formatTime(latest.at)}`
              : '; not measured since'}
          </Typography>
          <Grid container spacing={2}>
            <Grid item xs={12} md={6}>
              <BaselineChart
                title="Error rate"
                baseline={baseline.errorRate}
                now={latest?.errorRate}
                threshold={metricThresholds(baseline, thresholds).errorRate}
                format={formatErrorRate}
              />
            </Grid>
            <Grid item xs={12} md={6}>
              <BaselineChart
                title="p95 latency"
                baseline={baseline.latencyP95Ms}
                now={latest?.latencyP95Ms}
                threshold={metricThresholds(baseline, thresholds).latencyP95Ms}
                format={formatLatency}
              />
            </Grid>
          </Grid>
          <Table size="small" aria-label={`Traffic of ${cluster.name}`}>
            <TableHead>
              <TableRow>
                <TableCell>Metric</TableCell>
                <TableCell align="right">Baseline</TableCell>
                <TableCell align="right">Now</TableCell>
                <TableCell align="right">Limit</TableCell>
                <TableCell>Verdict</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rowsOf(baseline, latest, thresholds).map(row => (
                <TableRow key={row.metric}>
                  <TableCell component="th" scope="row">
                    {row.metric}
                  </TableCell>
                  <TableCell align="right">{row.baseline}</TableCell>
                  <TableCell align="right">{row.now}</TableCell>
                  <TableCell align="right">{row.limit}</TableCell>
                  <TableCell className={row.over ? classes.over : undefined}>
                    {verdict(row.over)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </section>
  );
}

/**
 * Per cluster, the error rate and p95 latency at the baseline (captured by the pre-checks) against now, with the
 * limit the post-checks apply drawn as a dashed line; the same numbers in a table.
 */
export function MetricCharts(props: {
  clusters: WaveCluster[];
  thresholds: ValidationThresholds;
}) {
  const { clusters, thresholds } = props;
  if (clusters.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        This wave has no clusters.
      </Typography>
    );
  }
  return (
    <>
      {clusters.map(cluster => (
        <ClusterMetrics
          key={cluster.clusterId}
          cluster={cluster}
          thresholds={thresholds}
        />
      ))}
    </>
  );
}
