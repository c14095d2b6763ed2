import { expect, test } from '@playwright/test';
import { screenshots, signInAs, signOut, tokenFor } from './session';

test('each development user signs in with their own identity', async ({
  page,
}) => {
  await page.goto('/');
  await expect(
    page.getByRole('button', { name: 'Sign in as ada' }),
  ).toBeVisible();
  if (screenshots) {
    await page.screenshot({ path: `${screenshots}/sign-in.png` });
  }
  for (const [user, displayName] of [
    ['ada', 'Ada Okafor'],
    ['grace', 'Grace Lindqvist'],
    ['ben', 'Ben Moreau'],
  ]) {
    await signInAs(page, user);
    await page.goto('/settings');
    await expect(page.getByText(displayName).first()).toBeVisible();
    await signOut(page);
  }
});

test('the catalog lists the Fleetdeck entities for an engineer', async ({
  page,
}) => {
  await signInAs(page, 'ben');
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  for (const item of ['Catalog', 'Create', 'APIs', 'Notifications']) {
    await expect(
      nav.getByRole('link', { name: item, exact: true }),
    ).toBeVisible();
  }
  await page.goto('/');
  await page.getByRole('menuitem', { name: /^All/ }).click();
  await expect(
    page.getByRole('heading', { name: /All Components/, level: 2 }),
  ).toBeVisible();
  await expect(page.getByRole('link', { name: 'Fleetdeck app' })).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Fleetdeck backend' }),
  ).toBeVisible();
  if (screenshots) {
    await page.screenshot({
      path: `${screenshots}/catalog-as-engineer.png`,
      fullPage: true,
    });
  }
});

test('the Create page opens', async ({ page }) => {
  await signInAs(page, 'ben');
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Create', exact: true })
    .click();
  await expect(page).toHaveURL(/\/create/);
  await expect(page.getByRole('tab', { name: 'Templates' })).toBeVisible();
  await expect(
    page.getByRole('button', { name: /Register existing component/i }),
  ).toBeVisible();
});

test('the Kubernetes tab renders for a component', async ({ page }) => {
  await signInAs(page, 'ada');
  await page.goto('/catalog/default/component/fleetdeck-backend');
  await page.getByRole('link', { name: 'Kubernetes', exact: true }).click();
  await expect(page).toHaveURL(/\/kubernetes$/);
  await expect(
    page.getByRole('heading', { name: 'Your Clusters' }),
  ).toBeVisible();
  if (screenshots) {
    await page.screenshot({
      path: `${screenshots}/kubernetes-tab.png`,
      fullPage: true,
    });
  }
});

test('the Kubernetes backend returns sandbox pods through its own route', async ({
  request,
}) => {
  const signIn = await request.get(
    '/api/auth/development/refresh?env=development',
    {
      headers: {
        'X-Requested-With': 'XMLHttpRequest',
        'x-fleetdeck-user': 'ben',
      },
    },
  );
  expect(signIn.ok()).toBe(true);
  const token = (await signIn.json()).backstageIdentity.token;
  const entity = await (
    await request.get('/api/catalog/entities/by-name/component/default/cart', {
      headers: { Authorization: `Bearer ${token}` },
    })
  ).json();
  const res = await request.post('/api/kubernetes/services/cart', {
    headers: { Authorization: `Bearer ${token}` },
    data: { entity },
  });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.items).toHaveLength(9);
  for (const item of body.items) {
    expect(item.errors).toEqual([]);
    const pods = item.resources.find(
      (r: { type: string }) => r.type === 'pods',
    ).resources;
    expect(pods).toHaveLength(2);
  }
});

test('the Kubernetes tab shows a sandbox workload on every cluster', async ({
  page,
}) => {
  await signInAs(page, 'ben');
  await page.goto('/catalog/default/component/cart/kubernetes');
  for (const cluster of ['test-1', 'dev-eu-1', 'staging-eu-1', 'prod-ap-1']) {
    await expect(
      page.getByText(cluster, { exact: true }).first(),
    ).toBeVisible();
  }
  if (screenshots) {
    await page.screenshot({
      path: `${screenshots}/kubernetes-tab-cart.png`,
      fullPage: true,
    });
  }
});

test('the upgrade-waves backend serves the sandbox registry, and the catalog shows its clusters', async ({
  request,
}) => {
  const ben = await tokenFor(request, 'ben');
  const batches = await request.get('/api/upgrade-waves/batches', {
    headers: { Authorization: `Bearer ${ben}` },
  });
  expect(batches.status()).toBe(200);
  expect(
    (await batches.json()).map((b: { batchId: string }) => b.batchId),
  ).toEqual(['test', 'dev-wave-1', 'staging', 'prod-wave-1', 'prod-wave-2']);
  // an engineer may look, not start a wave: the Fleetdeck policy gives upgrade-waves.* to operators
  const denied = await request.post('/api/upgrade-waves/waves', {
    headers: { Authorization: `Bearer ${ben}` },
    data: { batchId: 'test', targetVersion: '1.23.0' },
  });
  expect(denied.status()).toBe(403);
  await expect
    .poll(
      async () => {
        const res = await request.get(
          '/api/catalog/entities/by-query?filter=kind=resource,spec.type=kubernetes-cluster',
          { headers: { Authorization: `Bearer ${ben}` } },
        );
        return ((await res.json()).items ?? []).length;
      },
      { timeout: 60_000 },
    )
    .toBe(9);
});

test('Redis Sentinel: an operator triggers a failover from the button and watches it happen live', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const grace = await tokenFor(request, 'grace');
  const topology = async () =>
    (
      await request.get('/api/sentinel/groups/session-store/topology', {
        headers: { Authorization: `Bearer ${grace}` },
      })
    ).json();
  await expect
    .poll(async () => (await topology()).health, { timeout: 60_000 })
    .toBe('healthy');
  const before = (await topology()).master.address as string;

  // an engineer sees the button, disabled, with the reason
  await signInAs(page, 'ben');
  await page.goto('/sentinel/groups/session-store');
  await expect(
    page.getByRole('button', { name: 'Trigger failover' }),
  ).toBeDisabled();
  await expect(
    page.getByText(/You need the sentinel\.failover\.trigger permission/),
  ).toBeVisible();
  await signOut(page);

  await signInAs(page, 'grace');
  await page.goto('/sentinel');
  await expect(page.getByRole('link', { name: 'session-store' })).toBeVisible();
  if (screenshots) {
    await page.screenshot({
      path: `${screenshots}/sentinel-groups.png`,
      fullPage: true,
    });
  }
  await page.getByRole('link', { name: 'session-store' }).click();
  const masterRow = page
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: 'Master', exact: true }) });
  await expect(masterRow).toContainText(before);
  if (screenshots) {
    await page.screenshot({
      path: `${screenshots}/sentinel-group-before.png`,
      fullPage: true,
    });
  }

  await page.getByRole('button', { name: 'Trigger failover' }).click();
  const dialog = page.getByRole('dialog');
  // the reason is required, and the field says so
  await dialog.getByRole('button', { name: 'Start failover' }).click();
  await expect(dialog.getByText(/reason/i).first()).toBeVisible();
  await dialog
    .getByLabel(/Reason/)
    .fill('e2e game day: clients must reconnect');
  await dialog.getByRole('button', { name: 'Start failover' }).click();

  // no reload: the signal brings the new master and the timeline entry to the open page
  await expect(
    page.getByText('Reason: e2e game day: clients must reconnect'),
  ).toBeVisible({
    timeout: 60_000,
  });
  await expect
    .poll(async () => (await topology()).master?.address, { timeout: 60_000 })
    .not.toBe(before);
  const after = (await topology()).master.address as string;
  await expect(masterRow).toContainText(after, { timeout: 30_000 });
  // once Sentinel has reconfigured the old master as a replica, the page (still not reloaded) is healthy again
  await expect
    .poll(async () => (await topology()).health, { timeout: 60_000 })
    .toBe('healthy');
  await expect(
    page.getByText('every reachable sentinel names the same master'),
  ).toBeVisible({
    timeout: 30_000,
  });
  if (screenshots) {
    await page.screenshot({
      path: `${screenshots}/sentinel-group-after-failover.png`,
    });
    await page
      .getByText('Reason: e2e game day: clients must reconnect')
      .scrollIntoViewIfNeeded();
    await page.screenshot({
      path: `${screenshots}/sentinel-failover-timeline.png`,
    });
  }
});
