import {
  createUnifiedTheme,
  genPageTheme,
  palettes,
  shapes,
  UnifiedThemeProvider,
} from '@backstage/theme';
import { ThemeBlueprint } from '@backstage/plugin-app-react';
import LightIcon from '@material-ui/icons/WbSunny';
import DarkIcon from '@material-ui/icons/Brightness2';

/** Fleetdeck's colours: deep sea navy for navigation, a signal teal for accents. */
export const fleetdeckColors = {
  navy: '#0f2a43',
  teal: '#12a4a0',
  tealDark: '#0b7a77',
  sky: '#3b82c4',
};

const { navy, teal, tealDark, sky } = fleetdeckColors;
// Every page header runs from the navy of the navigation into one accent; kinds differ by accent and wave.
const pageTheme = Object.fromEntries(
  (
    [
      ['home', tealDark, shapes.wave],
      ['service', sky, shapes.wave2],
      ['website', sky, shapes.round],
      ['tool', teal, shapes.round],
      ['library', teal, shapes.wave2],
      ['documentation', sky, shapes.wave],
      ['other', tealDark, shapes.wave],
      ['app', tealDark, shapes.wave],
      ['apis', sky, shapes.wave2],
    ] as const
  ).map(([id, accent, shape]) => [
    id,
    genPageTheme({ colors: [navy, accent], shape }),
  ]),
);

const navigation = {
  background: fleetdeckColors.navy,
  indicator: fleetdeckColors.teal,
  color: '#b8c7d6',
  selectedColor: '#ffffff',
  navItem: { hoverBackground: '#1b3d5e' },
  submenu: { background: '#16354f' },
};

const fleetdeckLight = createUnifiedTheme({
  palette: {
    ...palettes.light,
    primary: { main: fleetdeckColors.tealDark },
    secondary: { main: fleetdeckColors.sky },
    navigation,
  },
  defaultPageTheme: 'home',
  pageTheme,
});

const fleetdeckDark = createUnifiedTheme({
  palette: {
    ...palettes.dark,
    primary: { main: fleetdeckColors.teal },
    secondary: { main: fleetdeckColors.sky },
    navigation,
  },
  defaultPageTheme: 'home',
  pageTheme,
});

// Named `light` and `dark` so that they replace the app's default themes rather than sit beside them.
export const fleetdeckLightTheme = ThemeBlueprint.make({
  name: 'light',
  params: {
    theme: {
      id: 'light',
      title: 'Fleetdeck light',
      variant: 'light',
      icon: <LightIcon />,
      Provider: ({ children }) => (
        <UnifiedThemeProvider theme={fleetdeckLight} children={children} />
      ),
    },
  },
});

export const fleetdeckDarkTheme = ThemeBlueprint.make({
  name: 'dark',
  params: {
    theme: {
      id: 'dark',
      title: 'Fleetdeck dark',
      variant: 'dark',
      icon: <DarkIcon />,
      Provider: ({ children }) => (
        <UnifiedThemeProvider theme={fleetdeckDark} children={children} />
      ),
    },
  },
});
