import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: { width: 30, height: 30, flexShrink: 0 },
});

/** Fleetdeck's mark: three stacked decks (the fleet's clusters) under a teal pennant. */
export const LogoIcon = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 40 40"
      role="img"
      aria-label="Fleetdeck"
    >
      <path d="M20 2 L30 8 L20 12 Z" fill="#12a4a0" />
      <rect x="19" y="2" width="2" height="14" fill="#e6eef5" />
      <path d="M4 18 H36 L32 23 H8 Z" fill="#e6eef5" />
      <path d="M6 25 H34 L30.5 30 H9.5 Z" fill="#9fc3e0" />
      <path d="M8 32 H32 L29 37 H11 Z" fill="#3b82c4" />
    </svg>
  );
};
