import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { SizingAdvice } from '@fleetdeck/plugin-warm-pools-common';
import { formatProbability, formatRate } from '../format';

function verdict(advice: SizingAdvice): string | undefined {
  const { recommendedTarget: recommended, currentTarget: current } = advice;
  if (recommended === undefined) return undefined;
  if (current === undefined) return `Set a target of ${recommended}.`;
  if (recommended > current) return `Raise the target to ${recommended}.`;
  if (recommended < current) {
    return `The target could drop to ${recommended}.`;
  }
  return 'The current target is right.';
}

function Size(props: { label: string; value?: number }) {
  return (
    <Box role="group" aria-label={props.label} textAlign="center" flex={1}>
      <Typography variant="overline" color="textSecondary" component="p">
        {props.label}
      </Typography>
      <Typography variant="h3" component="p">
        {props.value ?? '—'}
      </Typography>
    </Box>
  );
}

/**
 * The recommended pool size beside the current target, and the numbers it comes from: the arrival rate, the refill
 * time and the chance of an empty pool at the current target.
 */
export function SizingAdviceCard(props: { advice: SizingAdvice }) {
  const { advice } = props;
  const goal = formatProbability(advice.emptyProbabilityTarget);
  const metadata: Record<string, string> = {
    'Arrival rate': formatRate(advice.arrivalRatePerMinute),
    'Refill time':
      advice.refillSeconds === undefined
        ? 'unknown'
        : `${advice.refillSeconds.toFixed(1)} s (time to Ready, p90)`,
    'Empty chance now':
      advice.emptyProbabilityAtCurrent === undefined
        ? 'unknown'
        : `${formatProbability(
            advice.emptyProbabilityAtCurrent,
          )} at the current target`,
    Goal: `at most ${goal}`,
  };
  const advised = verdict(advice);

  return (
    <InfoCard
      title="Pool size"
      subheader={`The smallest pool whose chance of running empty is at most ${goal}`}
      variant="gridItem"
    >
      <Box display="flex" mb={2}>
        <Size label="Current target" value={advice.currentTarget} />
        <Size label="Recommended" value={advice.recommendedTarget} />
      </Box>
      {advised && (
        <Typography variant="subtitle1" gutterBottom>
          {advised}
        </Typography>
      )}
      {advice.recommendedTarget === undefined && (
        <Box mb={2}>
          <Alert severity="info">
            No recommendation yet
            {advice.reason ? `: ${advice.reason}` : '.'}
          </Alert>
        </Box>
      )}
      <StructuredMetadataTable
        metadata={metadata}
        options={{ titleFormat: key => key }}
      />
    </InfoCard>
  );
}
