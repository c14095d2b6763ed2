export {
  fleetdeckLightTheme,
  fleetdeckDarkTheme,
  fleetdeckColors,
} from './fleetdeckThemes';
