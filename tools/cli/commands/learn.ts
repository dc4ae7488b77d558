import type { Command } from 'commander';
import type { Cli } from '../context';
import { CliError, ExitCode } from '../errors';
import { clock } from '../progress/format';
import { followJob } from '../progress/follow';
import { reporterFor } from '../progress/reporter';
import { say, warn } from '../terminal';
import { jobCreated, type JobView } from '../views';
import { answerSummary, readAnswer } from './ask';

const POLL_MS = 1000;

const finalLine = (view: JobView, seconds: number) =>
  view.state === 'succeeded'
    ? `job ${view.jobId} succeeded in ${clock(seconds)}: ${view.done} learned, ${view.failed} failed of ${view.total ?? 0}`
    : `job ${view.jobId} failed: ${view.reason ?? 'no reason given'}`;

/** `multivac learn [--wait]`. */
export function addLearn(program: Command, cli: Cli): void {
  program
    .command('learn')
    .description('make MultiVAC learn from everything fed so far (a job)')
    .option(
      '--wait',
      "follow the job (progress bar on a terminal, plain lines otherwise), then show the answer's status and confidence; exit 0 when answered, 1 when the job failed or the data is still insufficient",
    )
    .action(async (options: { wait?: boolean }, command: Command) => {
      const { terminal } = cli;
      const interrupt = new AbortController();
      const api = cli.multivac(command, interrupt.signal);
      const { jobId } = await api.json(jobCreated, 'POST', '/multivac');
      const jobUrl = `${api.base}/multivac/jobs/${jobId}`;
      say(terminal, `job ${jobId} queued: ${jobUrl}`);
      if (!options.wait) return;

      const reporter = reporterFor(terminal);
      const onInterrupt = () => interrupt.abort();
      process.once('SIGINT', onInterrupt);
      const started = Date.now();
      let view: JobView;
      try {
        view = await followJob(api, jobId, reporter, {
          intervalMs: POLL_MS,
          signal: interrupt.signal,
          onRetry: (err, n) => warn(terminal, `${err.message} (poll ${n} failed; trying again)`),
        });
      } catch (err) {
        if (!interrupt.signal.aborted) throw err;
        throw new CliError(ExitCode.interrupted, `stopped following; the job goes on: ${jobUrl}`);
      } finally {
        reporter.stop();
        process.removeListener('SIGINT', onInterrupt);
      }
      say(terminal, finalLine(view, (Date.now() - started) / 1000));
      if (view.state === 'failed') {
        cli.exit(ExitCode.failed);
        return;
      }
      const answer = await readAnswer(cli, command);
      say(terminal, answerSummary(answer));
      cli.exit(answer.status === 'answered' ? ExitCode.ok : ExitCode.failed);
    });
}
