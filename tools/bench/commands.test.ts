import { describe, expect, it } from 'vitest';
import {
  commandstats,
  countersByCommand,
  difference,
  perPage,
  serverStatusCommands,
  sum,
} from './commands';

describe('counting round trips', () => {
  it('sums a Prometheus counter by its command label', () => {
    const text = [
      '# HELP multivac_mongodb_commands_total Commands sent',
      'multivac_mongodb_commands_total{command="find",service="learn"} 3',
      'multivac_mongodb_commands_total{service="data",command="find"} 2',
      'multivac_mongodb_commands_total{command="insert",service="data"} 5',
      'multivac_other_total{command="find"} 100',
    ].join('\n');
    expect(countersByCommand(text, 'multivac_mongodb_commands_total')).toEqual(
      new Map([
        ['find', 5],
        ['insert', 5],
      ]),
    );
  });

  it("reads the server's own MongoDB command counts, without handshakes and pings", () => {
    const status = {
      metrics: {
        commands: {
          find: { total: 7, failed: 0 },
          insert: { total: 2, failed: 1 },
          update: { total: 0, failed: 0 },
          hello: { total: 40, failed: 0 },
          unknown: { total: 4, failed: 0 },
          ping: { total: 1, failed: 0 },
          serverStatus: { total: 3, failed: 0 },
        },
      },
    };
    expect(serverStatusCommands(status)).toEqual(
      new Map([
        ['find', 7],
        ['insert', 2],
      ]),
    );
    expect(serverStatusCommands({})).toEqual(new Map());
  });

  it('reads INFO commandstats', () => {
    const info =
      '# Commandstats\r\ncmdstat_xadd:calls=3,usec=9,usec_per_call=3.00\r\ncmdstat_config|resetstat:calls=1,usec=1\r\n';
    expect(commandstats(info)).toEqual(
      new Map([
        ['xadd', 3],
        ['config|resetstat', 1],
      ]),
    );
  });

  it('reports what happened between two readings, per page', () => {
    const d = difference(
      new Map([
        ['find', 30],
        ['insert', 12],
        ['ping', 1],
      ]),
      new Map([
        ['find', 10],
        ['ping', 1],
      ]),
    );
    expect(d).toEqual(
      new Map([
        ['find', 20],
        ['insert', 12],
      ]),
    );
    expect(sum(d)).toBe(32);
    expect(perPage(d, 10)).toBe('find 2.0, insert 1.2');
  });
});
