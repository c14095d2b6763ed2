import { readFileSync } from 'node:fs';
import { expect, Page, test } from '@playwright/test';
import { screenshots, signInAs, tokenFor } from './session';

/** The five Fleetdeck templates (templates/<name>/template.yaml), by the title the Create page shows. */
const TEMPLATE_TITLES = [
  'HTTP key-value store on S3 (Kustomize + Istio)',
  'Onboard a cluster to Istio upgrade waves',
  'Redis Sentinel session store',
  'Three-tier service (Flask, FastAPI, PostgreSQL)',
  'Warm-pool session service',
];

/** The group the sandbox fleet's GitLab offers for new repositories (packages/sandbox TEMPLATES_GITLAB_GROUP). */
const GITLAB_GROUP = 'fleetdeck';

/**
 * The sandbox GitLab the portal is configured with, read from the app-config the sandbox wrote
 * (scripts/lib/processes.sh start_sandbox exports its path as FLEETDECK_SANDBOX_CONFIG).
 */
function sandboxGitlab(): { apiBaseUrl: string; token: string } {
  const file = process.env.FLEETDECK_SANDBOX_CONFIG;
  if (!file) {
    throw new Error(
      'FLEETDECK_SANDBOX_CONFIG is not set: run against the sandbox fleet (scripts/test.sh)',
    );
  }
  const gitlab = readFileSync(file, 'utf8').split(/^ {2}gitlab:$/m)[1] ?? '';
  const apiBaseUrl = /^\s+apiBaseUrl: (\S+)$/m.exec(gitlab)?.[1];
  const token = /^\s+token: (\S+)$/m.exec(gitlab)?.[1];
  if (!apiBaseUrl || !token)
    throw new Error(`no integrations.gitlab apiBaseUrl and token in ${file}`);
  return { apiBaseUrl, token };
}

async function shot(page: Page, name: string) {
  if (screenshots) {
    await page.screenshot({
      path: `${screenshots}/${name}.png`,
      fullPage: true,
    });
  }
}

test('Create: an engineer fills the http-kvs form, publishes to the sandbox GitLab and finds the component in the catalog', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  // a fresh name per run, so a second run against the same portal and GitLab creates a new repository
  const name = `kvs-e2e-${Date.now().toString(36)}`;

  await signInAs(page, 'ben');
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Create', exact: true })
    .click();
  await expect(page).toHaveURL(/\/create/);
  for (const title of TEMPLATE_TITLES) {
    await expect(
      page.getByRole('heading', { name: title, level: 4 }),
    ).toBeVisible();
  }
  await shot(page, 'create-templates');

  // the smallest template's card: the innermost element holding its title and a Choose button
  const card = page
    .locator('div')
    .filter({
      has: page.getByRole('heading', { name: TEMPLATE_TITLES[0], level: 4 }),
    })
    .filter({ has: page.getByRole('button', { name: 'Choose' }) })
    .last();
  await card.getByRole('button', { name: 'Choose' }).click();
  await expect(page).toHaveURL(/\/create\/templates\/default\/http-kvs/);

  // page 1, Service: the owner from the catalog (the OwnerPicker offers Groups and Users)
  const owner = page.getByRole('textbox', { name: /^Owner\s*\*?$/ });
  await owner.click();
  await owner.fill('Sessions');
  await page.getByRole('option', { name: /Sessions team/ }).click();

  // a name that is not a DNS label is refused by the field, with its error shown there
  const nameField = page.getByRole('textbox', { name: /^Name\s*\*?$/ });
  await nameField.fill('Orders_KVS');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(nameField).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(/must match pattern/).first()).toBeVisible();
  await shot(page, 'create-http-kvs-bad-name');

  await nameField.fill(name);
  await shot(page, 'create-http-kvs-service');
  await page.getByRole('button', { name: 'Next' }).click();

  // page 2, Deployment: the defaults
  await expect(
    page.getByRole('textbox', { name: /^Image version/ }),
  ).toHaveValue('1.0.0');
  await page.getByRole('button', { name: 'Next' }).click();

  // page 3, Repository: the host is the portal's GitLab integration, here the sandbox GitLab on loopback
  const host = page.getByLabel('Host').getByRole('combobox');
  await expect(host).toHaveValue(/^127\.0\.0\.1:\d+$/);
  const gitlabHost = await host.inputValue();
  // owner and repository are free-text autocompletes: what is typed counts once the field is left (Tab)
  await page.getByRole('textbox', { name: /^Owner\s*\*?$/ }).fill(GITLAB_GROUP);
  await page.keyboard.press('Tab');
  await page.getByRole('textbox', { name: /^Repository\s*\*?$/ }).fill(name);
  await page.keyboard.press('Tab');
  await shot(page, 'create-http-kvs-repository');
  await page.getByRole('button', { name: 'Review' }).click();

  // review, then create
  await expect(page.getByText(name).first()).toBeVisible();
  await shot(page, 'create-http-kvs-review');
  await page.getByRole('button', { name: 'Create' }).click();

  // the task runs fetch:template → publish:gitlab → catalog:register; its output links the new component
  await expect(page).toHaveURL(/\/create\/tasks\//);
  const openInCatalog = page.getByRole('link', { name: 'Open in catalog' });
  await expect(openInCatalog).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole('link', { name: 'Repository' })).toHaveAttribute(
    'href',
    `http://${gitlabHost}/${GITLAB_GROUP}/${name}`,
  );
  await shot(page, 'create-http-kvs-task-done');

  // the repository in the sandbox GitLab holds what the template generated
  const gitlab = sandboxGitlab();
  const tree = await request.get(
    `${gitlab.apiBaseUrl}/projects/${encodeURIComponent(
      `${GITLAB_GROUP}/${name}`,
    )}/repository/tree?recursive=true&per_page=100`,
    { headers: { 'PRIVATE-TOKEN': gitlab.token } },
  );
  expect(tree.status()).toBe(200);
  const paths = ((await tree.json()) as Array<{ path: string }>).map(
    entry => entry.path,
  );
  expect(paths).toEqual(
    expect.arrayContaining([
      'catalog-info.yaml',
      'base/kustomization.yaml',
      'overlays/dev/kustomization.yaml',
    ]),
  );

  // the catalog processes the registered location in the background: wait until it serves the new component
  const ben = await tokenFor(request, 'ben');
  await expect
    .poll(
      async () =>
        (
          await request.get(
            `/api/catalog/entities/by-name/component/default/${name}`,
            { headers: { Authorization: `Bearer ${ben}` } },
          )
        ).status(),
      { timeout: 90_000 },
    )
    .toBe(200);

  // the new component in the catalog, owned by the team picked in the form
  await openInCatalog.click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/component/${name}$`),
  );
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Sessions team' }).first(),
  ).toBeVisible();
  // the overview's About card, from the catalog-info.yaml the template generated
  await expect(
    page.getByText('An HTTP key-value store backed by S3.').first(),
  ).toBeVisible();
  await shot(page, 'create-http-kvs-component');
});
