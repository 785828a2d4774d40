/**
 * Active expiry: expire.c activeExpireCycle (Redis 7.0), on simulated time.
 *
 * The slow cycle runs from serverCron `hz` times a second; the fast cycle
 * from beforeSleep, only when the last slow cycle ran out of time or the
 * estimated share of stale keys is above the acceptable 10 %. Per database,
 * a loop samples up to 20 volatile keys (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP,
 * scaled by active-expire-effort), deletes the expired ones, and repeats
 * while more than 10 % of the sample was expired. Up to 16 databases per
 * call, resuming where the last call stopped.
 *
 * Two departures, both forced by the simulation and both deterministic:
 *   - Sampling: Redis scans `expires` buckets from a cursor; here keys are
 *     drawn uniformly with the server's own forked RNG (a database with at
 *     most 20 volatile keys is checked whole, as a bucket scan would).
 *   - Time: the cycle's time limit (25 % of a cron period, 1 ms for a fast
 *     cycle) is spent by a cost model, `SAMPLE_COST_US` per sampled key,
 *     instead of reading a clock. Redis checks the limit every 16 loops; so
 *     does this.
 * The cycle skips Redis's "dict less than 1 % full" shortcut, which depends
 * on hash table sizing this model does not have.
 */
import type { Rng } from '../sim/Rng';
import type { Keyspace } from './Keyspace';
import { DB_COUNT } from './RedisValue';

const KEYS_PER_LOOP = 20;
const FAST_DURATION_US = 1000;
const SLOW_TIME_PERC = 25;
const ACCEPTABLE_STALE = 10;
/** CRON_DBS_PER_CALL in server.h. */
const DBS_PER_CALL = 16;
/** Modelled cost of sampling (and possibly deleting) one key. */
export const SAMPLE_COST_US = 1;

export interface ActiveExpireState {
  /** Next database to test (a counter, used modulo 16). */
  currentDb: number;
  /** The previous cycle stopped at its time limit. */
  timelimitExit: boolean;
  lastFastCycleUs: number;
  /** stat_expired_stale_perc: running estimate of logically expired keys. */
  expiredStalePerc: number;
  /** stat_expired_time_cap_reached_count. */
  timeCapReachedCount: number;
  /** db->avg_ttl per database, ms. */
  readonly avgTtlMs: number[];
}

export function newActiveExpireState(): ActiveExpireState {
  return {
    currentDb: 0,
    timelimitExit: false,
    lastFastCycleUs: 0,
    expiredStalePerc: 0,
    timeCapReachedCount: 0,
    avgTtlMs: new Array<number>(DB_COUNT).fill(0),
  };
}

export interface ActiveExpireParams {
  readonly nowMs: number;
  readonly hz: number;
  /** active-expire-effort, 1..10. */
  readonly effort: number;
}

export interface ActiveExpireResult {
  readonly sampled: number;
  readonly expired: number;
  readonly timelimitExit: boolean;
}

const NOTHING: ActiveExpireResult = { sampled: 0, expired: 0, timelimitExit: false };

export function activeExpireCycle(
  ks: Keyspace,
  rng: Rng,
  state: ActiveExpireState,
  type: 'slow' | 'fast',
  params: ActiveExpireParams,
): ActiveExpireResult {
  const effort = params.effort - 1;
  const keysPerLoop = KEYS_PER_LOOP + Math.trunc(KEYS_PER_LOOP / 4) * effort;
  const fastDurationUs = FAST_DURATION_US + Math.trunc(FAST_DURATION_US / 4) * effort;
  const slowTimePerc = SLOW_TIME_PERC + 2 * effort;
  const acceptableStale = ACCEPTABLE_STALE - effort;
  const startUs = params.nowMs * 1000;

  if (type === 'fast') {
    if (!state.timelimitExit && state.expiredStalePerc < acceptableStale) return NOTHING;
    if (startUs < state.lastFastCycleUs + fastDurationUs * 2) return NOTHING;
    state.lastFastCycleUs = startUs;
  }

  let dbsPerCall = DBS_PER_CALL;
  if (dbsPerCall > DB_COUNT || state.timelimitExit) dbsPerCall = DB_COUNT;
  let timelimitUs = Math.trunc((slowTimePerc * 1_000_000) / params.hz / 100);
  if (timelimitUs <= 0) timelimitUs = 1;
  if (type === 'fast') timelimitUs = fastDurationUs;
  state.timelimitExit = false;

  let totalSampled = 0;
  let totalExpired = 0;
  let iteration = 0;
  for (let j = 0; j < dbsPerCall && !state.timelimitExit; j++) {
    const db = state.currentDb % DB_COUNT;
    state.currentDb++;
    let expired: number;
    let sampled: number;
    do {
      iteration++;
      const num = ks.volatileCount(db);
      if (num === 0) {
        state.avgTtlMs[db] = 0;
        break;
      }
      const loop = sampleOnce(ks, rng, db, params.nowMs, Math.min(num, keysPerLoop));
      expired = loop.expired;
      sampled = loop.sampled;
      totalExpired += expired;
      totalSampled += sampled;
      if (loop.ttlSamples > 0) {
        const avgTtl = Math.trunc(loop.ttlSumMs / loop.ttlSamples);
        // A running average: the new estimate weighs 2 %, as in expire.c.
        if (state.avgTtlMs[db] === 0) state.avgTtlMs[db] = avgTtl;
        state.avgTtlMs[db] = Math.trunc(state.avgTtlMs[db]! / 50) * 49 + Math.trunc(avgTtl / 50);
      }
      if ((iteration & 0xf) === 0) {
        const elapsedUs = totalSampled * SAMPLE_COST_US;
        if (elapsedUs > timelimitUs) {
          state.timelimitExit = true;
          state.timeCapReachedCount++;
          break;
        }
      }
    } while (sampled === 0 || Math.trunc((expired * 100) / sampled) > acceptableStale);
  }

  const currentPerc = totalSampled > 0 ? totalExpired / totalSampled : 0;
  state.expiredStalePerc = currentPerc * 0.05 + state.expiredStalePerc * 0.95;
  ks.checkInvariants();
  return { sampled: totalSampled, expired: totalExpired, timelimitExit: state.timelimitExit };
}

interface LoopResult {
  readonly sampled: number;
  readonly expired: number;
  readonly ttlSumMs: number;
  readonly ttlSamples: number;
}

/** One loop of the cycle over one database: sample `num` volatile keys. */
function sampleOnce(ks: Keyspace, rng: Rng, db: number, nowMs: number, num: number): LoopResult {
  const expires = ks.dbs[db]!.expires;
  let sampled = 0;
  let expired = 0;
  let ttlSumMs = 0;
  let ttlSamples = 0;
  const visit = (key: string): void => {
    const when = expires.get(key)!;
    const ttl = when - nowMs;
    if (nowMs > when) {
      ks.deleteExpired(db, key, 'active');
      expired++;
    }
    if (ttl > 0) {
      ttlSumMs += ttl;
      ttlSamples++;
    }
    sampled++;
  };
  if (num === ks.volatileCount(db)) {
    // Small enough to check whole. Walk from the end: a deletion swaps the
    // last key (already visited) into the hole.
    for (let i = num - 1; i >= 0; i--) visit(ks.volatileAt(db, i));
  } else {
    for (let i = 0; i < num && ks.volatileCount(db) > 0; i++) {
      visit(ks.volatileAt(db, rng.int(0, ks.volatileCount(db) - 1)));
    }
  }
  return { sampled, expired, ttlSumMs, ttlSamples };
}
