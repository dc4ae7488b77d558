/**
 * The `multivac` command: `run(argv, terminal)` parses the arguments, runs one command and returns
 * its exit code (errors → `errors.ts`). `bin/multivac.js` calls it, from these sources in a
 * checkout and from the bundle `tools/cli/build.ts` makes in an installed package.
 */
import { CommanderError } from 'commander';
import { createCli } from './context';
import { CliError, ExitCode } from './errors';
import { buildProgram } from './program';
import { warn, type Terminal } from './terminal';

export async function run(
  argv: readonly string[],
  terminal: Terminal,
  version = '0.0.0',
): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram(
    createCli(terminal, (c) => {
      code = c;
    }),
    version,
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    // Commander has printed its message (and the usage) already.
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (err instanceof CliError) {
      warn(terminal, `multivac: ${err.message}`);
      return err.exitCode;
    }
    warn(terminal, `multivac: unexpected error: ${(err as Error).stack ?? String(err)}`);
    return ExitCode.failed;
  }
}
