import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  blue,
  deepOrange,
  green,
  purple,
  teal,
} from '@material-ui/core/colors';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { LagSample } from '@fleetdeck/plugin-sentinel-common';
import { formatBytes } from '../format';

type LagUnit = 'bytes' | 'seconds';

const lineColors = [
  blue[500],
  deepOrange[500],
  green[600],
  purple[400],
  teal[500],
];

/** One point in time, with each replica's lag as a column named by its address. */
type LagRow = { at: number } & Record<string, number>;

function toRows(samples: LagSample[], unit: LagUnit): LagRow[] {
  const rows = new Map<number, LagRow>();
  for (const sample of samples) {
    const at = Date.parse(sample.at);
    const row = rows.get(at) ?? { at };
    row[sample.replica] =
      unit === 'bytes' ? sample.lagBytes : sample.lagSeconds;
    rows.set(at, row);
  }
  return [...rows.values()].sort((a, b) => a.at - b.at);
}

function formatLag(value: number, unit: LagUnit): string {
  return unit === 'bytes' ? formatBytes(value) : `${value.toFixed(1)} s`;
}

function formatClock(at: number): string {
  return new Date(at).toLocaleTimeString();
}

/** Each replica's latest and highest lag, as text next to the chart. */
function LagSummary(props: { samples: LagSample[]; replicas: string[] }) {
  return (
    <Box component="ul" pl={2} mt={1} mb={0} aria-label="Lag per replica">
      {props.replicas.map(replica => {
        const own = props.samples.filter(s => s.replica === replica);
        const latest = own.reduce((a, b) =>
          Date.parse(b.at) > Date.parse(a.at) ? b : a,
        );
        const peak = Math.max(...own.map(s => s.lagBytes));
        return (
          <li key={replica}>
            <Typography variant="body2">
              {replica}: now {formatBytes(latest.lagBytes)} (
              {latest.lagSeconds.toFixed(1)} s), peak {formatBytes(peak)}
            </Typography>
          </li>
        );
      })}
    </Box>
  );
}

/** Replication lag over time, a line per replica, in bytes behind the master or seconds. */
export function LagChart(props: { samples: LagSample[] }) {
  const { samples } = props;
  const theme = useTheme();
  const [unit, setUnit] = useState<LagUnit>('bytes');

  if (samples.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No lag samples in this window.
      </Typography>
    );
  }

  const replicas = [...new Set(samples.map(s => s.replica))].sort();
  const rows = toRows(samples, unit);
  return (
    <>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={unit}
        onChange={(_event, value: LagUnit | null) => value && setUnit(value)}
        aria-label="Lag unit"
      >
        <ToggleButton value="bytes">Bytes</ToggleButton>
        <ToggleButton value="seconds">Seconds</ToggleButton>
      </ToggleButtonGroup>
      <ResponsiveContainer width="100%" height={280}>
        <LineChart data={rows} margin={{ top: 16, right: 16, left: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="at"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={formatClock}
            stroke={theme.palette.text.secondary}
          />
          <YAxis
            tickFormatter={(value: number) => formatLag(value, unit)}
            stroke={theme.palette.text.secondary}
            width={80}
          />
          <Tooltip
            labelFormatter={(at: number) => formatClock(at)}
            formatter={(value: number) => formatLag(value, unit)}
          />
          <Legend />
          {replicas.map((replica, index) => (
            <Line
              key={replica}
              type="monotone"
              dataKey={replica}
              name={replica}
              stroke={lineColors[index % lineColors.length]}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <LagSummary samples={samples} replicas={replicas} />
    </>
  );
}
