import { CommandBudget } from './CommandBudget';

describe('CommandBudget', () => {
  it('grants at most the budget per minute, and the full budget again a minute later', () => {
    let now = 0;
    const budget = new CommandBudget(10, () => now);
    expect(budget.take(4)).toBe(4);
    expect(budget.take(4)).toBe(4);
    expect(budget.take(4)).toBe(2);
    expect(budget.take(1)).toBe(0);
    now = 59_999;
    expect(budget.take(1)).toBe(0);
    now = 60_000;
    expect(budget.take(25)).toBe(10);
  });
});
