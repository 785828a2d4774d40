/**
 * Property tests draw from one fixed fast-check seed, so `npm test` (and CI)
 * runs the same cases every time, and a failure is reproducible from its
 * report. Explore with another seed: `FC_SEED=123 npm test`, or
 * `FC_SEED=random` for a fresh one (printed, so a failure can be replayed).
 * Tests that pass their own seed keep it.
 */
import fc from 'fast-check';

const requested = process.env.FC_SEED;
// eslint-disable-next-line no-restricted-syntax -- test-only: a fresh seed on request
const seed = requested === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(requested ?? 20_261_128);
if (requested === 'random') process.stderr.write(`fast-check seed: FC_SEED=${seed}\n`);
fc.configureGlobal({ seed });
