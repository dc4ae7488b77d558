// @ts-check
/**
 * `node tools/setup/with-node.mjs <command> [args…]`: runs the command with Node NODE_MAJOR first
 * on PATH (installing it once when the machine's Node is older), so that everything it starts —
 * npm, tsx, vitest and the function processes they spawn — runs on that Node. Signals are passed
 * on and the command's exit status is this one's.
 */
import { spawn } from 'node:child_process';
import { ensureNode, withNodeOnPath } from './node.mjs';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node tools/setup/with-node.mjs <command> [args…]');
  process.exit(2);
}

let node;
try {
  node = ensureNode();
} catch (err) {
  console.error(/** @type {Error} */ (err).message ?? err);
  process.exit(1);
}

const child = spawn(command, args, { stdio: 'inherit', env: withNodeOnPath(node) });
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  // The terminal sends Ctrl-C to the whole process group; forwarding it again is harmless.
  process.on(signal, () => child.kill(signal));
}
child.on('error', (err) => {
  console.error(`${command}: ${err.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : 1);
});
