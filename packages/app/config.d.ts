export interface Config {
  app?: {
    /** How people sign in to Fleetdeck. */
    signIn?: {
      /**
       * Sign-in methods offered on the sign-in page: `development` (pick one of `developmentUsers`, needs the
       * backend's development auth provider) and/or `gitlab` (GitLab OAuth, `auth.providers.gitlab`).
       * @visibility frontend
       */
      providers?: Array<'development' | 'gitlab'>;
      /**
       * Users offered by the development sign-in. Each `name` is a User entity in the catalog.
       * @visibility frontend
       */
      developmentUsers?: Array<{
        /** @visibility frontend */
        name: string;
        /** @visibility frontend */
        description?: string;
      }>;
    };
  };
}
