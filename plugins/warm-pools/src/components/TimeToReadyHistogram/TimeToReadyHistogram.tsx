import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { teal } from '@material-ui/core/colors';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatDuration } from '@fleetdeck/frontend-common';
import { HistogramBucket } from '@fleetdeck/plugin-warm-pools-common';

/**
 * `≤ 10.0 s`; the open last bucket reads `> 60.0 s`. The backend sends its bound as `Number.MAX_SAFE_INTEGER`
 * (JSON has no Infinity); Infinity and null are read the same way.
 */
export function bucketLabel(
  bucket: HistogramBucket,
  previous?: HistogramBucket,
): string {
  const bounded =
    Number.isFinite(bucket.leMs) && bucket.leMs < Number.MAX_SAFE_INTEGER;
  if (bounded) return `≤ ${formatDuration(bucket.leMs)}`;
  return previous ? `> ${formatDuration(previous.leMs)}` : 'any';
}

/** How long pods took from creation to Ready, as a bar per bucket. */
export function TimeToReadyHistogram(props: { buckets: HistogramBucket[] }) {
  const { buckets } = props;
  const theme = useTheme();

  if (!buckets.some(bucket => bucket.count > 0)) {
    return (
      <Typography variant="body2" color="textSecondary">
        No pod of this pool has become Ready since the backend started watching.
      </Typography>
    );
  }

  const rows = buckets.map((bucket, index) => ({
    label: bucketLabel(bucket, buckets[index - 1]),
    count: bucket.count,
  }));
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={rows} margin={{ top: 16, right: 16, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" stroke={theme.palette.text.secondary} />
        <YAxis allowDecimals={false} stroke={theme.palette.text.secondary} />
        <Tooltip />
        <Bar
          dataKey="count"
          name="pods"
          fill={teal[500]}
          isAnimationActive={false}
        />
      </BarChart>
    </ResponsiveContainer>
  );
}
