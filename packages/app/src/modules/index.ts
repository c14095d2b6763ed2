import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SidebarContent } from './nav';
import { fleetdeckSignInPage } from './signIn';
import { fleetdeckDarkTheme, fleetdeckLightTheme } from './theme';

/** The app plugin's Fleetdeck parts: navigation, sign-in page and themes. */
export const fleetdeckAppModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SidebarContent,
    fleetdeckSignInPage,
    fleetdeckLightTheme,
    fleetdeckDarkTheme,
  ],
});
