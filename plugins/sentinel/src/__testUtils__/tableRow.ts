import { screen, within } from '@testing-library/react';

/** Queries within the table row that holds `text`. */
export function tableRow(text: string) {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no table row holds ${text}`);
  return within(row);
}
