/**
 * `npm run deadletters -- list|redrive [--id <id>…] [--trigger <name>] [--admin <url>] [--json]`:
 * the same command as `multivac deadletters …` (tools/cli/commands/deadletters.ts), kept under its
 * old name.
 */
import { run } from '../cli/run';

process.exitCode = await run(['deadletters', ...process.argv.slice(2)], {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
