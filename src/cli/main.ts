/**
 * The `faultline` command line.
 *
 *   faultline list                         built-in scenarios, one line each
 *   faultline run <name|file.yaml> [--seed N] [--trace out.jsonl] [--quiet] [--verbose]
 *   faultline demo                         every built-in scenario, then a summary table
 *   faultline steps                        the steps a scenario file can use
 *   faultline redis inspect|check-aof …    Redis files (see redisCommands.ts)
 *
 * Exit codes: 0 all expectations held; 1 an expectation failed; 2 bad input
 * (an unknown scenario, a file with errors, a bad option), reported with
 * file:line, and nothing run or written.
 *
 * This is the only place that touches the real world (files, stdout, exit
 * codes); everything it runs is deterministic simulation.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ScenarioError, ScenarioErrors } from '../scenarios/ScenarioError';
import { BUILTIN_SCENARIOS, builtinScenario } from '../scenarios/builtin/index';
import { loadScenarioFile } from '../scenarios/scenarioFile';
import { runScenario, type RunResult } from '../scenarios/runScenario';
import { STEPS, stepKinds } from '../scenarios/steps/index';
import { validateScenario, type ValidatedScenario } from '../scenarios/validate';
import { exportRedisHosts, registerRedisCommands } from './redisCommands';
import { printRun, printSummaryTable } from './report';

export const EXIT_OK = 0;
export const EXIT_EXPECTATION_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

class BadInput extends Error {}

function loadScenario(nameOrFile: string): ValidatedScenario {
  const builtin = builtinScenario(nameOrFile);
  if (builtin !== undefined) return validateScenario(builtin);
  if (/\.ya?ml$/i.test(nameOrFile) || nameOrFile.includes('/')) {
    if (!existsSync(nameOrFile)) throw new BadInput(`${nameOrFile}: no such file`);
    const directory = dirname(resolve(nameOrFile));
    return loadScenarioFile(nameOrFile, readFileSync(nameOrFile, 'utf8'), (path) => readConfigFile(resolve(directory, path)));
  }
  throw new BadInput(`unknown scenario '${nameOrFile}'; built-in scenarios: ${BUILTIN_SCENARIOS.map((s) => s.name).join(', ')} (or give a .yaml file)`);
}

/** A config file a scenario names (`config-file`), or an Error saying why it cannot be read. */
function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`no such file (${path})`);
    if (code === 'EISDIR') throw new Error(`is a directory (${path})`);
    throw new Error(`${(error as Error).message}`);
  }
}

function parseSeed(value: string): string {
  if (!/^[\w.-]{1,64}$/.test(value)) throw new InvalidArgumentError('a seed is a number or a word (letters, digits, . _ -)');
  return value;
}

/** Write a file so that it is either complete or absent: temp file, then rename. */
function writeAtomically(path: string, content: string): void {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, content);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new BadInput(`cannot write ${path}: ${(error as Error).message}`);
  }
}

/** Refuse an output path that cannot be written before anything runs. */
function checkOutputPaths(options: { trace?: string; exportDir?: string }): void {
  if (options.trace !== undefined) {
    const dir = dirname(resolve(options.trace));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BadInput(`--trace ${options.trace}: directory ${dir} does not exist`);
    if (existsSync(options.trace) && statSync(options.trace).isDirectory()) throw new BadInput(`--trace ${options.trace}: is a directory; give a file name`);
  }
  if (options.exportDir !== undefined && existsSync(options.exportDir) && !statSync(options.exportDir).isDirectory()) {
    throw new BadInput(`--export-dir ${options.exportDir}: is a file, not a directory`);
  }
}

function runCommand(nameOrFile: string, options: { seed?: string; trace?: string; quiet?: boolean; verbose?: boolean; exportDir?: string }): number {
  const scenario = loadScenario(nameOrFile);
  checkOutputPaths(options);
  const result = runScenario(scenario, { seed: options.seed, verbose: options.verbose ?? false });
  printRun(scenario, result, { quiet: options.quiet ?? false, write: (line) => process.stdout.write(line + '\n') });
  if (options.trace !== undefined) {
    writeAtomically(options.trace, result.trace.toJsonl());
    process.stdout.write(`trace: ${result.trace.records.length} records written to ${options.trace}\n`);
  }
  if (options.exportDir !== undefined) {
    try {
      exportRedisHosts(result.world, options.exportDir, (text) => process.stdout.write(text));
    } catch (error) {
      if (error instanceof BadInput || !(error instanceof Error) || !('code' in error)) throw error;
      throw new BadInput(`cannot export to ${options.exportDir}: ${error.message}`);
    }
  }
  if (result.failure !== null) {
    process.stderr.write(`error: ${result.failure.format()}\n`);
    return EXIT_BAD_INPUT;
  }
  return result.passed ? EXIT_OK : EXIT_EXPECTATION_FAILED;
}

function demoCommand(options: { verbose?: boolean; quiet?: boolean }): number {
  const results: RunResult[] = [];
  for (const spec of BUILTIN_SCENARIOS) {
    const scenario = validateScenario(spec);
    const result = runScenario(scenario, { verbose: options.verbose ?? false });
    if (!options.quiet) {
      printRun(scenario, result, { quiet: false, write: (line) => process.stdout.write(line + '\n') });
      process.stdout.write('\n');
    }
    results.push(result);
  }
  printSummaryTable(results, (line) => process.stdout.write(line + '\n'));
  return results.every((r) => r.passed && r.failure === null) ? EXIT_OK : EXIT_EXPECTATION_FAILED;
}

function listCommand(): number {
  const width = Math.max(...BUILTIN_SCENARIOS.map((s) => s.name.length));
  for (const s of BUILTIN_SCENARIOS) process.stdout.write(`${s.name.padEnd(width)}  ${s.title}\n`);
  return EXIT_OK;
}

function stepsCommand(): number {
  for (const kind of stepKinds()) {
    const step = STEPS.get(kind)!;
    process.stdout.write(`${kind}: ${step.summary}\n`);
    for (const [name, field] of Object.entries(step.fields)) {
      const type = field.choices ? field.choices.join(' | ') : field.type;
      process.stdout.write(`    ${name}${field.required ? ' (required)' : ''}: ${type}. ${field.description}\n`);
    }
  }
  return EXIT_OK;
}

export function main(argv: readonly string[]): number {
  let exitCode = EXIT_OK;
  const program = new Command()
    .name('faultline')
    .description('A deterministic simulator of Kafka brokers and Redis persistence: data-loss scenarios, step by step.')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  program
    .command('list')
    .description('list the built-in scenarios')
    .action(() => {
      exitCode = listCommand();
    });
  program
    .command('run')
    .description('run a scenario (a built-in name or a YAML file) and narrate it')
    .argument('<scenario>', 'built-in scenario name or path to a .yaml file')
    .option('--seed <seed>', 'seed for every random choice (default: the scenario\'s, else 1)', parseSeed)
    .option('--trace <file>', 'write the trace as JSON Lines')
    .option('--quiet', 'print only the summary')
    .option('--verbose', 'narrate every append and index entry too')
    .option('--export-dir <dir>', "write each Redis host's durable files (what a power loss would leave) to <dir>/<host>/")
    .action((scenario: string, options) => {
      exitCode = runCommand(scenario, options);
    });
  program
    .command('demo')
    .description('run every built-in scenario and print a summary table (npm start)')
    .option('--quiet', 'print only the summary table')
    .option('--verbose', 'narrate every append and index entry too')
    .action((options) => {
      exitCode = demoCommand(options);
    });
  program
    .command('steps')
    .description('list the steps a scenario file can use, with their fields')
    .action(() => {
      exitCode = stepsCommand();
    });
  registerRedisCommands(program, (code) => {
    exitCode = code;
  });
  try {
    program.parse(argv as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (error instanceof ScenarioErrors) {
      for (const e of error.errors) process.stderr.write(`error: ${e.format()}\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof ScenarioError || error instanceof BadInput) {
      process.stderr.write(`error: ${error instanceof ScenarioError ? error.format() : error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
  return exitCode;
}
