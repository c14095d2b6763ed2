import { InputError, NotAllowedError } from '@backstage/errors';
import { createProxyAuthenticator } from '@backstage/plugin-auth-node';

/** The request header that names the catalog user to sign in as. */
export const DEVELOPMENT_USER_HEADER = 'x-fleetdeck-user';

/** A User entity name as the catalog accepts it. */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export interface DevelopmentSignInResult {
  userName: string;
}

/**
 * Signs in as the catalog user named by the `x-fleetdeck-user` header, so that a newcomer can try Fleetdeck as
 * several people (an admin, an operator, an engineer) without an identity provider. Like Backstage's guest provider,
 * it refuses to work outside NODE_ENV=development unless `dangerouslyAllowOutsideDevelopment` is set.
 */
export const developmentAuthenticator = createProxyAuthenticator<
  { enabled: boolean },
  DevelopmentSignInResult,
  undefined
>({
  async defaultProfileTransform(result, ctx) {
    const { entity } = await ctx.findCatalogUser({
      entityRef: { name: result.userName },
    });
    const profile = (entity.spec?.profile ?? {}) as {
      displayName?: string;
      email?: string;
      picture?: string;
    };
    return {
      profile: {
        displayName:
          profile.displayName ?? entity.metadata.title ?? result.userName,
        email: profile.email,
        picture: profile.picture,
      },
    };
  },
  initialize({ config }) {
    const allowOutsideDevelopment =
      config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') === true;
    return {
      enabled:
        process.env.NODE_ENV === 'development' || allowOutsideDevelopment,
    };
  },
  async authenticate({ req }, { enabled }) {
    if (!enabled) {
      throw new NotAllowedError(
        "The development sign-in provider only works with NODE_ENV=development, unless 'auth.providers.development.dangerouslyAllowOutsideDevelopment' is set",
      );
    }
    const userName = req.header(DEVELOPMENT_USER_HEADER);
    if (!userName) {
      throw new InputError(
        `Missing header ${DEVELOPMENT_USER_HEADER}: name the catalog user to sign in as`,
      );
    }
    if (!USER_NAME.test(userName)) {
      throw new InputError(
        `Header ${DEVELOPMENT_USER_HEADER} must be a catalog User name (letters, digits, '.', '_', '-')`,
      );
    }
    return { result: { userName } };
  },
});
