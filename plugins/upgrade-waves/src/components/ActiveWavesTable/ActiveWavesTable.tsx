import { useMemo } from 'react';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import {
  TERMINAL_WAVE_STATUSES,
  Wave,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { newestWavesFirst, WavesTable } from '../WavesTable';

/** How many finished waves the fleet page lists. */
export const RECENT_WAVES = 10;

/** The waves the orchestrator still works on. */
export function activeWaves(waves: Wave[]): Wave[] {
  return newestWavesFirst(
    waves.filter(w => !TERMINAL_WAVE_STATUSES.includes(w.status)),
  );
}

/** The last `RECENT_WAVES` waves that ended, the latest to end first. */
export function recentWaves(waves: Wave[]): Wave[] {
  return waves
    .filter(w => TERMINAL_WAVE_STATUSES.includes(w.status))
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    .slice(0, RECENT_WAVES);
}

/** The fleet's active waves, and below them, folded, the waves that ended last. */
export function ActiveWavesTable(props: { waves: Wave[] }) {
  const { waves } = props;
  const active = useMemo(() => activeWaves(waves), [waves]);
  const recent = useMemo(() => recentWaves(waves), [waves]);

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 8 }}>
      <section aria-label="Active waves">
        <WavesTable
          title={`Active waves (${active.length})`}
          waves={active}
          emptyContent={
            <Box p={2}>
              <Typography color="textSecondary">
                No wave is running. Start one with the Start wave button.
              </Typography>
            </Box>
          }
        />
      </section>
      {recent.length > 0 && (
        <Accordion TransitionProps={{ unmountOnExit: true }}>
          <AccordionSummary
            expandIcon={<ExpandMoreIcon />}
            aria-controls="upgrade-waves-recent"
            id="upgrade-waves-recent-header"
          >
            <Typography>Recent waves ({recent.length})</Typography>
          </AccordionSummary>
          <AccordionDetails id="upgrade-waves-recent">
            <Box width="100%">
              <WavesTable title="Recent waves" waves={recent} />
            </Box>
          </AccordionDetails>
        </Accordion>
      )}
    </Box>
  );
}
