/**
 * The errors a scenario file is refused with, as the CLI prints them
 * (`s.yaml:9:5: ...`); an empty list when it loads.
 */
import type { ConfigFileReader } from '../../src/scenarios/configFiles';
import { loadScenarioFile } from '../../src/scenarios/scenarioFile';
import { ScenarioErrors } from '../../src/scenarios/ScenarioError';

export function scenarioFileErrors(text: string, readConfigFile?: ConfigFileReader, fileName = 's.yaml'): string[] {
  try {
    loadScenarioFile(fileName, text, readConfigFile);
  } catch (error) {
    if (error instanceof ScenarioErrors) return error.errors.map((e) => e.format());
    throw error;
  }
  return [];
}
