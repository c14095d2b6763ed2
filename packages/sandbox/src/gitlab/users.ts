/** A GitLab user as the sandbox knows it: the one the token belongs to. */
export interface SandboxUser {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  readonly email: string;
  readonly webUrl: string;
  readonly createdAt: string;
}

export function botUser(baseUrl: string): SandboxUser {
  return {
    id: 1,
    username: 'fleetdeck-bot',
    name: 'Fleetdeck Bot',
    email: 'fleetdeck-bot@fleetdeck.invalid',
    webUrl: `${baseUrl}/fleetdeck-bot`,
    createdAt: new Date().toISOString(),
  };
}
