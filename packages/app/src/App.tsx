import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { fleetdeckAppModule } from './modules';

// Plugins in this package's dependencies are discovered (`app.packages: all`); the app module adds Fleetdeck's
// navigation, sign-in page and themes.
export default createApp({
  features: [catalogPlugin, fleetdeckAppModule],
});
