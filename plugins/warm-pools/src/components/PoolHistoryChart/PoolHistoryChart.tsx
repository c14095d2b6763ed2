import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { amber, blue, green } from '@material-ui/core/colors';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { PoolHistory } from '@fleetdeck/plugin-warm-pools-common';
import { HISTORY_RANGES, HistoryRange } from '../../hooks/useLivePool';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The stacked series, bottom to top: the warm pods first, so that the target line compares with their top. */
const series = [
  { key: 'warmReady', name: 'warm ready', color: green[600] },
  { key: 'warmPending', name: 'warm pending', color: amber[600] },
  { key: 'assigned', name: 'assigned', color: blue[500] },
] as const;

/** The chooser of the chart's window: 1 h, 6 h, 24 h or 7 d. */
export function HistoryRangeSelector(props: {
  range: HistoryRange;
  onChange: (range: HistoryRange) => void;
}) {
  return (
    <ToggleButtonGroup
      size="small"
      exclusive
      value={props.range}
      onChange={(_event, value: HistoryRange | null) =>
        value && props.onChange(value)
      }
      aria-label="History range"
    >
      {(Object.keys(HISTORY_RANGES) as HistoryRange[]).map(range => (
        <ToggleButton key={range} value={range}>
          {HISTORY_RANGES[range].label}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}

/** Warm-ready, warm-pending and assigned pods over time, stacked, with the target as a dashed line. */
export function PoolHistoryChart(props: { history: PoolHistory }) {
  const { history } = props;
  const theme = useTheme();

  if (history.points.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No points in this range yet: the backend stores one every 10 seconds
        while it watches the pool.
      </Typography>
    );
  }

  const long = Date.parse(history.to) - Date.parse(history.from) > DAY_MS;
  const formatTick = (at: number) =>
    long
      ? new Date(at).toLocaleString([], {
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
        })
      : new Date(at).toLocaleTimeString([], {
          hour: '2-digit',
          minute: '2-digit',
        });
  const rows = history.points.map(point => ({
    at: Date.parse(point.at),
    warmReady: point.warmReady,
    warmPending: point.warmPending,
    assigned: point.assigned,
    target: point.target,
  }));
  const hasTarget = rows.some(row => row.target !== undefined);

  return (
    <>
      <ResponsiveContainer width="100%" height={280}>
        <ComposedChart data={rows} margin={{ top: 16, right: 16, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="at"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={formatTick}
            stroke={theme.palette.text.secondary}
          />
          <YAxis allowDecimals={false} stroke={theme.palette.text.secondary} />
          <Tooltip
            labelFormatter={(at: number) => new Date(at).toLocaleString()}
          />
          <Legend />
          {series.map(s => (
            <Area
              key={s.key}
              type="stepAfter"
              dataKey={s.key}
              name={s.name}
              stackId="pods"
              stroke={s.color}
              fill={s.color}
              fillOpacity={0.5}
              isAnimationActive={false}
            />
          ))}
          {hasTarget && (
            <Line
              type="stepAfter"
              dataKey="target"
              name="target"
              stroke={theme.palette.text.primary}
              strokeDasharray="6 4"
              dot={false}
              isAnimationActive={false}
            />
          )}
        </ComposedChart>
      </ResponsiveContainer>
      <Typography variant="caption" color="textSecondary">
        {history.points.length} points, one per {history.stepSeconds} s
      </Typography>
    </>
  );
}
