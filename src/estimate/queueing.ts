// Closed-form queueing results the estimate uses for what the exact engine
// simulates event by event. Each is the textbook formula, named as such, so a
// reader can check it (Kleinrock, Queueing Systems vol. 1; Gunther, Analyzing
// Computer System Performance with Perl::PDQ, ch. 2–3).

/** Erlang's C formula: the probability that an arrival to an M/M/c queue at offered load a = λ/μ waits (c servers). */
export function erlangC(servers: number, offeredLoad: number): number {
  if (offeredLoad <= 0) return 0;
  if (offeredLoad >= servers) return 1;
  // Erlang B by its stable recurrence, then C from B.
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (offeredLoad * b) / (k + offeredLoad * b);
  const rho = offeredLoad / servers;
  return b / (1 - rho + rho * b);
}

/**
 * Mean wait in queue of an M/G/1 server (Pollaczek–Khinchine): λ·E[S²] / (2(1 − ρ)),
 * with ρ = λ·E[S] and E[S²] = E[S]²·(1 + cv²). Infinite at or above saturation.
 */
export function mg1Wait(arrivalsPerCycle: number, meanServiceCycles: number, serviceCv: number): number {
  const rho = arrivalsPerCycle * meanServiceCycles;
  if (rho >= 1) return Infinity;
  return (arrivalsPerCycle * meanServiceCycles * meanServiceCycles * (1 + serviceCv * serviceCv)) / (2 * (1 - rho));
}

/**
 * Completions counted by a non-paralysable dead-time counter (one outstanding completion that later
 * requests coalesce into, for `deadCycles`): of r requests per cycle, r / (1 + r·dead) raise an interrupt.
 */
export function coalescedRate(requestsPerCycle: number, deadCycles: number): number {
  return requestsPerCycle / (1 + requestsPerCycle * deadCycles);
}
