import { makeStyles, Typography } from '@material-ui/core';
import { LogoIcon } from './LogoIcon';

const useStyles = makeStyles({
  root: { display: 'flex', alignItems: 'center', gap: 8 },
  name: { color: '#ffffff', fontWeight: 700, fontSize: 22, letterSpacing: 0.5 },
});

export const LogoFull = () => {
  const classes = useStyles();
  return (
    <div className={classes.root}>
      <LogoIcon />
      <Typography component="span" className={classes.name}>
        Fleetdeck
      </Typography>
    </div>
  );
};
