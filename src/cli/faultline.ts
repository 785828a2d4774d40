/** Entry point of the `faultline` command (bin/faultline.mjs, npm start). */
import { main } from './main';

process.exitCode = main(process.argv.slice(2));
