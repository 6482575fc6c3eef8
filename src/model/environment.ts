/**
 * Environment dynamics (start of each step): price pressure from low-cost entrants rises
 * linearly to a ceiling; variable unit costs (wages, materials) grow geometrically; the log
 * exchange rate follows a mean-reverting (Ornstein–Uhlenbeck) process; domestic demand and
 * buyer demand grow geometrically; buyer requirements rise with standards.
 */
import { normal } from '../engine/rng.js';
import type { World } from './state.js';

export function advanceEnvironment(world: World): void {
  const { scenario, dt, env } = world;
  const environment = scenario.environment;
  const years = world.step * dt;

  env.pricePressure = Math.min(
    environment.price_pressure.max,
    environment.price_pressure.initial + environment.price_pressure.growth * years,
  );
  env.costLevel = Math.pow(1 + environment.input_cost_growth, years);

  // Exact OU discretisation so the stationary spread does not depend on the step length.
  const decay = Math.exp(-environment.fx.mean_reversion * dt);
  const sd =
    environment.fx.mean_reversion > 0
      ? environment.fx.volatility *
        Math.sqrt((1 - decay * decay) / (2 * environment.fx.mean_reversion))
      : environment.fx.volatility * Math.sqrt(dt);
  env.logExchangeRate = env.logExchangeRate * decay + sd * normal(world.streams.environment);
  env.exchangeRate = Math.exp(env.logExchangeRate);

  env.domesticDemand =
    environment.domestic_market.size *
    env.initialCapacity *
    Math.pow(1 + environment.domestic_market.growth, years);

  for (const b of world.buyers) {
    const c = b.config;
    b.demand = c.demand_per_supplier * c.suppliers_target * Math.pow(1 + c.demand_growth, years);
    const rise = environment.standards_growth * years;
    b.requirements.process = Math.min(b.knowHow[0], c.requirements.process + rise);
    b.requirements.product = Math.min(b.knowHow[1], c.requirements.product + rise);
  }
}
