/** The built-in scenarios, in the order `faultline list` and `npm start` show them. */
import type { ScenarioSpec } from '../Scenario';
import partitionsAddedWhileOffsetsStored from './partitionsAddedWhileOffsetsStored';
import retentionDeletesUnderStoredOffset from './retentionDeletesUnderStoredOffset';
import sparseIndexLookup from './sparseIndexLookup';
import startFromTime from './startFromTime';

export const BUILTIN_SCENARIOS: readonly ScenarioSpec[] = [
  retentionDeletesUnderStoredOffset,
  partitionsAddedWhileOffsetsStored,
  startFromTime,
  sparseIndexLookup,
];

export function builtinScenario(name: string): ScenarioSpec | undefined {
  return BUILTIN_SCENARIOS.find((s) => s.name === name);
}
