export interface Config {
  permission?: {
    /** Fleetdeck's permission policy (packages/backend/src/modules/permissionPolicy). */
    fleetdeck?: {
      /**
       * Entity refs of the groups (or users) that may do everything. Short names are groups in the default
       * namespace. Default: `group:default/platform-admins`.
       */
      admins?: string[];
      /**
       * Who may use which non-read permissions. Everyone signed in may read; anything not allowed here is
       * denied to everyone but the admins.
       */
      rules?: Array<{
        /** Permission names; `prefix.*` matches every permission under `prefix.`. */
        permissions: string[];
        /** Entity refs of groups or users, or `*` for everyone signed in. */
        allow: string[];
      }>;
    };
  };
  auth?: {
    providers?: {
      /**
       * Development sign-in: sign in as any catalog User by name (header `x-fleetdeck-user`). Works only when
       * NODE_ENV is `development`.
       */
      development?: {
        /** Also offer it outside NODE_ENV=development. Never in production. */
        dangerouslyAllowOutsideDevelopment?: boolean;
      };
    };
  };
}
