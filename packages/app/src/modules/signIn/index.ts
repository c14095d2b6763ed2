import { SignInPageBlueprint } from '@backstage/plugin-app-react';

export const fleetdeckSignInPage = SignInPageBlueprint.make({
  params: {
    loader: async () =>
      import('./FleetdeckSignInPage').then(m => m.FleetdeckSignInPage),
  },
});
