import { expect, Page, test } from '@playwright/test';
import { screenshots, signInAs } from './session';

/** The pod names the pool page's pods table shows now (its first column). */
async function podNames(page: Page): Promise<string[]> {
  const rows = page.locator('tr').filter({
    hasText: /warm-ready|warm-pending|assigned|on-demand|terminating/,
  });
  const names = await rows.evaluateAll(trs =>
    trs.map(tr => tr.querySelector('td')?.textContent?.trim() ?? ''),
  );
  return names.filter(Boolean);
}

test('Warm pools: the pool page follows the cluster live, and a terminated session pod is replaced', async ({
  page,
}) => {
  test.setTimeout(180_000);
  // ada is a platform admin: she may terminate pods
  await signInAs(page, 'ada');
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Warm Pools', exact: true })
    .click();
  await expect(page).toHaveURL(/\/warm-pools$/);
  await expect(page.getByText('Warm pools (2)')).toBeVisible();
  for (const cluster of ['test-1', 'prod-eu-1']) {
    await expect(
      page.getByRole('cell', { name: cluster, exact: true }),
    ).toBeVisible();
  }
  if (screenshots) {
    await page.screenshot({
      path: `${screenshots}/warm-pools.png`,
      fullPage: true,
    });
  }

  await page.goto('/warm-pools/test-1/sessions/warm');
  await expect(
    page.getByText('Warm pool in namespace sessions of cluster test-1'),
  ).toBeVisible();
  await expect(page.getByText('Pods over time')).toBeVisible();
  await expect(page.getByText(/^Pods \(\d+\)$/)).toBeVisible();

  // Live: without a reload, a pod the page did not show at first appears (sessions arrive about every 10 s in
  // the sandbox, and the provisioner replaces every warm pod it hands out).
  const atFirst = new Set(await podNames(page));
  expect(atFirst.size).toBeGreaterThan(0);
  await expect
    .poll(async () => (await podNames(page)).some(n => !atFirst.has(n)), {
      timeout: 60_000,
      message: 'a new pod shows up on the pool page without a reload',
    })
    .toBe(true);
  if (screenshots) {
    await page.screenshot({
      path: `${screenshots}/warm-pool-page.png`,
      fullPage: true,
    });
  }

  // Terminate a session's pod: it goes, and the pool heals (the session's Job brings a new pod, the provisioner
  // keeps its warm pods).
  const terminate = page.getByRole('button', { name: /^Terminate / }).first();
  await expect(terminate).toBeEnabled({ timeout: 60_000 });
  const label = (await terminate.getAttribute('aria-label')) ?? '';
  const victim = label.replace(/^Terminate /, '');
  expect(victim).not.toBe('');
  const beforeTerminate = new Set(await podNames(page));
  await terminate.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText(`Terminate ${victim}?`)).toBeVisible();
  if (screenshots) {
    await page.screenshot({
      path: `${screenshots}/warm-pool-terminate-confirm.png`,
    });
  }
  await dialog.getByRole('button', { name: 'Terminate pod' }).click();
  await expect(dialog).toBeHidden();
  await expect
    .poll(async () => (await podNames(page)).includes(victim), {
      timeout: 30_000,
      message: `${victim} leaves the pods table`,
    })
    .toBe(false);
  await expect
    .poll(
      async () => (await podNames(page)).some(n => !beforeTerminate.has(n)),
      { timeout: 60_000, message: 'a new pod takes its place' },
    )
    .toBe(true);
  await expect(page.getByText('Warm ready').first()).toBeVisible();
  if (screenshots) {
    await page.screenshot({
      path: `${screenshots}/warm-pool-after-terminate.png`,
      fullPage: true,
    });
  }
});
