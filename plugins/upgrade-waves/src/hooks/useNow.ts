import { useEffect, useState } from 'react';

/**
 * The current time in ms, updated every `intervalMs`: for a countdown or a "time in state" that moves on its own
 * without refetching anything. Each caller has its own timer, so only the small component that shows the time
 * re-renders.
 */
export function useNow(intervalMs: number = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
