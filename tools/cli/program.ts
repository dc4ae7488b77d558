import { Command } from 'commander';
import { addAsk } from './commands/ask';
import { addDeadletters } from './commands/deadletters';
import { addFeed } from './commands/feed';
import { addLearn } from './commands/learn';
import { addSources } from './commands/sources';
import { DEFAULT_URL, type Cli } from './context';

const EXIT_CODES = `
Exit codes:
  0    done; ask and learn --wait: MultiVAC answered
  1    the job failed, the answer is still insufficient, or a named dead letter was skipped
  2    usage: unknown command or option, missing or unreadable input
  3    MultiVAC (or the broker's admin API) is unreachable or unavailable
  4    MultiVAC refused input: a URL it will not fetch, an unknown job
  130  interrupted while waiting (the job goes on)`;

/** The commander program: global options, the five commands, errors thrown rather than exiting. */
export function buildProgram(cli: Cli, version: string): Command {
  const program = new Command('multivac')
    .description('Feed MultiVAC pages, make it learn, and ask it the question.')
    .version(version)
    .option('--url <url>', `MultiVAC's address: --url, else $MULTIVAC_URL, else ${DEFAULT_URL}`)
    .addHelpText('after', EXIT_CODES)
    .showHelpAfterError('(multivac --help lists the commands and options)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => cli.terminal.stdout.write(text),
      writeErr: (text) => cli.terminal.stderr.write(text),
    });
  // Subcommands made with .command() inherit exitOverride and the output settings.
  addAsk(program, cli);
  addFeed(program, cli);
  addLearn(program, cli);
  addSources(program, cli);
  addDeadletters(program, cli);
  return program;
}
