/**
 * `npm run bench`: the figures the issues name, measured on this machine.
 * `npm run bench -- --json` ends with one JSON object of every figure.
 * `npm run bench -- --only=log` measures the figures whose key contains "log".
 */
import { runFigures } from './harness';
import { logFigures } from './logFigures';
import { redisFigures } from './redisFigures';
import { replicationFigures } from './replicationFigures';
import { consumerFigures } from './consumerFigures';

runFigures([...logFigures, ...redisFigures, ...replicationFigures, ...consumerFigures], process.argv.slice(2));
