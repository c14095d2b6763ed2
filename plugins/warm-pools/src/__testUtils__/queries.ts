import { screen, within } from '@testing-library/react';

/** Queries within the element of role `group` named `label`: a count card, or a size of the sizing advice. */
export function group(label: string) {
  return within(screen.getByRole('group', { name: label }));
}

/** Queries within the table row of the pod named `name`. */
export function podRow(name: string) {
  const tr = screen.getByText(name).closest('tr');
  if (!tr) throw new Error(`no table row for pod ${name}`);
  return within(tr);
}
