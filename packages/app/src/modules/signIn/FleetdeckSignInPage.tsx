import { useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
  SignInPage,
} from '@backstage/core-components';
import {
  ConfigApi,
  configApiRef,
  gitlabAuthApiRef,
  IdentityApi,
  useApi,
} from '@backstage/core-plugin-api';
import { SignInPageProps } from '@backstage/plugin-app-react';
import { Button, Grid, Typography } from '@material-ui/core';

/** Must match the backend's development auth provider (packages/backend/src/modules/developmentSignIn). */
export const DEVELOPMENT_USER_HEADER = 'x-fleetdeck-user';
const STORAGE_KEY = 'fleetdeck.developmentUser';

type DevelopmentUser = { name: string; description?: string };

function readDevelopmentUsers(config: ConfigApi): DevelopmentUser[] {
  return (
    config.getOptionalConfigArray('app.signIn.developmentUsers') ?? []
  ).map(user => ({
    name: user.getString('name'),
    description: user.getOptionalString('description'),
  }));
}

/** Forgets the chosen development user when the person signs out, so the chooser shows again. */
function forgetOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      window.sessionStorage.removeItem(STORAGE_KEY);
      await identity.signOut();
    },
  };
}

function DevelopmentSignIn(
  props: SignInPageProps & { users: DevelopmentUser[] },
) {
  const { users, onSignInSuccess } = props;
  const [chosen, setChosen] = useState<string | null>(() =>
    window.sessionStorage.getItem(STORAGE_KEY),
  );

  if (chosen) {
    return (
      <ProxiedSignInPage
        provider="development"
        headers={{ [DEVELOPMENT_USER_HEADER]: chosen }}
        onSignInSuccess={identity => onSignInSuccess(forgetOnSignOut(identity))}
        ErrorComponent={({ error }) => (
          <DevelopmentUserChooser
            users={users}
            error={error}
            onChoose={name => {
              window.sessionStorage.setItem(STORAGE_KEY, name);
              setChosen(name);
            }}
          />
        )}
      />
    );
  }
  return (
    <DevelopmentUserChooser
      users={users}
      onChoose={name => {
        window.sessionStorage.setItem(STORAGE_KEY, name);
        setChosen(name);
      }}
    />
  );
}

function DevelopmentUserChooser(props: {
  users: DevelopmentUser[];
  error?: Error;
  onChoose: (name: string) => void;
}) {
  return (
    <Page themeId="home">
      <Header
        title="Fleetdeck"
        subtitle="Development sign-in: choose who you are"
      />
      <Content>
        {props.error && (
          <Typography color="error" role="alert" paragraph>
            Sign-in failed: {props.error.message}
          </Typography>
        )}
        <Grid container spacing={3}>
          {props.users.map(user => (
            <Grid item xs={12} sm={6} md={4} key={user.name}>
              <InfoCard title={user.name} subheader={user.description}>
                <Button
                  variant="contained"
                  color="primary"
                  onClick={() => props.onChoose(user.name)}
                >
                  Sign in as {user.name}
                </Button>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
        <Typography
          variant="body2"
          color="textSecondary"
          style={{ marginTop: 24 }}
        >
          Development only: each user is a User entity of the catalog and signs
          in with its groups. Production uses GitLab sign-in
          (app-config.production.yaml).
        </Typography>
      </Content>
    </Page>
  );
}

/**
 * Fleetdeck's sign-in page: the development user chooser when `app.signIn.providers` lists `development`,
 * otherwise GitLab OAuth.
 */
export function FleetdeckSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const providers = config.getOptionalStringArray('app.signIn.providers') ?? [
    'gitlab',
  ];
  if (providers.includes('development')) {
    return (
      <DevelopmentSignIn {...props} users={readDevelopmentUsers(config)} />
    );
  }
  return (
    <SignInPage
      {...props}
      providers={[
        {
          id: 'gitlab-auth-provider',
          title: 'GitLab',
          message: 'Sign in with your GitLab account',
          apiRef: gitlabAuthApiRef,
        },
      ]}
    />
  );
}
