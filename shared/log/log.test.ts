import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, eventLogger, requestLogger, traceFields } from './index';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

const TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceFields', () => {
  it.each([
    [
      'a sampled trace',
      TRACE,
      undefined,
      {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        'logging.googleapis.com/trace': '4bf92f3577b34da6a3ce929d0e0e4736',
        'logging.googleapis.com/spanId': '00f067aa0ba902b7',
        'logging.googleapis.com/trace_sampled': true,
      },
    ],
    [
      'a project-qualified trace',
      TRACE.replace(/01$/, '00'),
      'proj',
      {
        'logging.googleapis.com/trace': 'projects/proj/traces/4bf92f3577b34da6a3ce929d0e0e4736',
        'logging.googleapis.com/trace_sampled': false,
      },
    ],
    ['no header', undefined, undefined, {}],
    ['garbage', 'not-a-trace', undefined, {}],
    [
      'an all-zero trace id',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      undefined,
      {},
    ],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', undefined, {}],
  ])('%s', (_name, header, project, expected) => {
    const fields = traceFields(header, project);
    if (Object.keys(expected).length === 0) expect(fields).toEqual({});
    else expect(fields).toMatchObject(expected);
  });
});

describe('createLogger', () => {
  it('writes Cloud Logging JSON lines', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'question', level: 'debug', destination });
    log.debug('d');
    log.info({ answer: 1 }, 'hello');
    log.warn('w');
    log.error(new Error('boom'), 'failed');
    log.fatal('f');
    expect(lines.map((l) => l.severity)).toEqual(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']);
    expect(lines[1]).toMatchObject({ message: 'hello', service: 'question', answer: 1 });
    expect(typeof lines[1]!.time).toBe('string');
    expect((lines[3]!.err as { message: string }).message).toBe('boom');
  });

  it('respects the level', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 's', level: 'warn', destination });
    log.info('hidden');
    log.warn('shown');
    expect(lines).toHaveLength(1);
  });

  it('gives event loggers the CloudEvent id, type, source and trace', () => {
    const { lines, destination } = capture();
    const log = eventLogger(createLogger({ service: 'learn', destination }), {
      id: 'e1',
      type: 'dev.multivac.document.learn',
      source: '/multivac/learn',
      traceparent: TRACE,
    });
    log.info('learned');
    expect(lines[0]).toMatchObject({
      ceId: 'e1',
      ceType: 'dev.multivac.document.learn',
      ceSource: '/multivac/learn',
      'logging.googleapis.com/trace': '4bf92f3577b34da6a3ce929d0e0e4736',
    });
  });

  it('gives request loggers the trace of the traceparent header', () => {
    const { lines, destination } = capture();
    requestLogger(createLogger({ service: 'data', destination }), { traceparent: TRACE }).info('r');
    expect(lines[0]).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
  });
});
