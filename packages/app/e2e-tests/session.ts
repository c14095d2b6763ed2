import { APIRequestContext, expect, Page } from '@playwright/test';

/** Where tests write the screenshots a person looks at (scripts/test.sh sets it). */
export const screenshots = process.env.FLEETDECK_SCREENSHOTS_DIR;

/** Signs in with the development provider's button for `user` (ada, grace or ben). */
export async function signInAs(page: Page, user: string) {
  await page.goto('/');
  await page.getByRole('button', { name: `Sign in as ${user}` }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

export async function signOut(page: Page) {
  await page.goto('/settings');
  await page.getByRole('button', { name: 'more' }).click();
  await page.getByRole('menuitem', { name: 'Sign Out' }).click();
  await expect(
    page.getByRole('button', { name: /Sign in as/ }).first(),
  ).toBeVisible();
}

/** A Backstage token of `user`, for calling the portal's APIs as that user. */
export async function tokenFor(request: APIRequestContext, user: string) {
  const signIn = await request.get(
    '/api/auth/development/refresh?env=development',
    {
      headers: {
        'X-Requested-With': 'XMLHttpRequest',
        'x-fleetdeck-user': user,
      },
    },
  );
  expect(signIn.ok()).toBe(true);
  return (await signIn.json()).backstageIdentity.token as string;
}
