import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { fleetdeckAppModule } from './modules';
import { fleetdeckScaffolderModule } from './modules/scaffolder';

// Plugins in this package's dependencies are discovered (`app.packages: all`); the app module adds Fleetdeck's
// navigation, sign-in page and themes; the scaffolder module lets templates publish to the configured GitLab.
export default createApp({
  features: [catalogPlugin, fleetdeckAppModule, fleetdeckScaffolderModule],
});
