import type { Command } from 'commander';
import { answerView, type AnswerView } from '../../../shared/knowledge/answer-view';
import type { Cli } from '../context';
import { ExitCode } from '../errors';
import { say } from '../terminal';

/** One line for the end of `learn --wait`: status, confidence, number of sources. */
export function answerSummary(answer: AnswerView): string {
  if (answer.status !== 'answered') return 'answer: insufficient data (confidence 0)';
  const n = answer.sources.length;
  return `answer: answered, confidence ${answer.confidence.toFixed(2)}, ${n} source${n === 1 ? '' : 's'}`;
}

/** The current answer; exit 0 once it is an answer, 1 while the data is insufficient. */
export const readAnswer = (cli: Cli, command: Command) =>
  cli.multivac(command).json(answerView, 'GET', '/multivac');

/** `multivac ask [--json]`. */
export function addAsk(program: Command, cli: Cli): void {
  program
    .command('ask')
    .description('ask the question (exit 0 when answered, 1 while the data is insufficient)')
    .option('--json', 'the answer as JSON: status, answer, confidence, sources, knowledgeVersion')
    .action(async (options: { json?: boolean }, command: Command) => {
      const answer = await readAnswer(cli, command);
      if (options.json) say(cli.terminal, JSON.stringify(answer, null, 2));
      else {
        // The text is MultiVAC's own (passages with [n], then its "Sources:" list).
        say(cli.terminal, answer.answer);
        if (answer.status === 'answered')
          say(cli.terminal, `\nconfidence ${answer.confidence.toFixed(2)}`);
      }
      cli.exit(answer.status === 'answered' ? ExitCode.ok : ExitCode.failed);
    });
}
