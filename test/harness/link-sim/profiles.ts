// The links the simulator imposes: round trip, a cap per TCP connection and one for all connections
// together (bytes per second; Mbit = 10^6 bits), and a small random jitter on each delivery.

export interface LinkProfile {
  name: string;
  rttMs: number;
  /** Bytes per second one connection can carry; Infinity for no cap. */
  perConnection: number;
  /** Bytes per second all connections together can carry; Infinity for no cap. */
  total: number;
  /** Each piece's one-way delay varies by up to ± half of this. */
  jitterMs: number;
}

const mbit = (n: number) => (n * 1e6) / 8;

export const PROFILES = {
  lan: { name: 'lan', rttMs: 1, perConnection: mbit(1000), total: mbit(1000), jitterMs: 0.05 },
  office: { name: 'office', rttMs: 20, perConnection: mbit(100), total: mbit(500), jitterMs: 1 },
  home: { name: 'home', rttMs: 40, perConnection: mbit(40), total: mbit(200), jitterMs: 2 },
  /** A geostationary satellite's round trip: long enough that an e2e test sees what a view shows while it reads. */
  satellite: { name: 'satellite', rttMs: 600, perConnection: mbit(20), total: mbit(50), jitterMs: 5 },
  /** No delay and no cap: the simulator's own cost, measured in the bench. */
  unlimited: { name: 'unlimited', rttMs: 0, perConnection: Infinity, total: Infinity, jitterMs: 0 },
} as const satisfies Record<string, LinkProfile>;

export type ProfileName = keyof typeof PROFILES;

export const LINK_PROFILES: readonly ProfileName[] = ['lan', 'office', 'home'];

export function profileNamed(name: string): LinkProfile {
  if (!Object.hasOwn(PROFILES, name)) throw new Error(`Unknown link profile ${name}: ${Object.keys(PROFILES).join(', ')}.`);
  return PROFILES[name as ProfileName];
}

/** A profile with its caps scaled (tests check the same code path with less data). */
export function scaled(profile: LinkProfile, factor: number): LinkProfile {
  return { ...profile, name: `${profile.name} ×${factor}`, perConnection: profile.perConnection * factor, total: profile.total * factor };
}
