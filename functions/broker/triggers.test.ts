import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { TriggerTableError, loadTriggerTable, parseTriggerTable } from './triggers';

const options = {
  subscriberTemplate: 'http://{name}.{namespace}.svc.cluster.local',
  namespace: 'multivac',
};

const trigger = (spec: string, name = 'a') => `apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: ${name}
spec:
${spec
  .trim()
  .split('\n')
  .map((line) => `  ${line}`)
  .join('\n')}
`;

function problemsOf(text: string): readonly string[] {
  try {
    parseTriggerTable(text, options, 'triggers.yaml');
  } catch (err) {
    if (err instanceof TriggerTableError) return err.problems;
    throw err;
  }
  throw new Error('expected the table to be refused');
}

describe('the shipped trigger table', () => {
  it('is valid and resolves its Service refs through the template', async () => {
    const triggers = await loadTriggerTable('knative/base/triggers.yaml', options);
    expect(triggers.map((t) => t.name)).toEqual([
      'acquire-source-requested',
      'learn-learning-requested',
      'learn-document-learn',
      'learn-source-acquired',
      'learn-source-failed',
    ]);
    expect(triggers[0]).toEqual({
      name: 'acquire-source-requested',
      filter: { type: 'dev.multivac.source.requested' },
      subscriber: 'http://acquire.multivac.svc.cluster.local/',
      retry: 5,
      backoffPolicy: 'exponential',
      backoffDelayMs: 2000,
      timeoutMs: 60_000,
    });
  });

  it('follows the local stack template', async () => {
    const [first] = await loadTriggerTable('knative/base/triggers.yaml', {
      subscriberTemplate: 'http://127.0.0.1:4000/{name}',
      namespace: 'ignored',
    });
    expect(first!.subscriber).toBe('http://127.0.0.1:4000/acquire');
  });
});

describe('parseTriggerTable', () => {
  it('applies the delivery defaults and takes uris as they are', () => {
    const [t] = parseTriggerTable(trigger('subscriber:\n  uri: http://127.0.0.1:9/x?y=1'), options);
    expect(t).toEqual({
      name: 'a',
      filter: {},
      subscriber: 'http://127.0.0.1:9/x?y=1',
      retry: 10,
      backoffPolicy: 'exponential',
      backoffDelayMs: 200,
      timeoutMs: 30_000,
    });
  });

  it('resolves a ref in another namespace, a ref with a path, and a dead-letter sink', () => {
    const [t] = parseTriggerTable(
      trigger(`
subscriber:
  ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: learn, namespace: other}
  uri: /hooks/in
delivery:
  retry: 2
  backoffPolicy: linear
  backoffDelay: PT0.1S
  timeout: PT1M30S
  deadLetterSink:
    ref: {kind: Service, name: sink}`),
      options,
    );
    expect(t).toMatchObject({
      subscriber: 'http://learn.other.svc.cluster.local/hooks/in',
      deadLetterSink: 'http://sink.multivac.svc.cluster.local/',
      retry: 2,
      backoffPolicy: 'linear',
      backoffDelayMs: 100,
      timeoutMs: 90_000,
    });
  });

  it('reads several documents and skips empty ones', () => {
    const text = [
      trigger('subscriber: {uri: "http://x/"}', 'one'),
      trigger('subscriber: {uri: "http://y/"}', 'two'),
      '',
    ].join('---\n');
    expect(parseTriggerTable(text, options).map((t) => t.name)).toEqual(['one', 'two']);
  });

  it.each([
    ['no subscriber', trigger('broker: multivac'), 'spec.subscriber'],
    ['an empty subscriber', trigger('subscriber: {}'), 'needs a ref or a uri'],
    ['a relative uri alone', trigger('subscriber: {uri: /x}'), 'Invalid URL'],
    ['a non-http uri', trigger('subscriber: {uri: "ftp://x/"}'), 'not an http or https URL'],
    [
      'a Broker ref',
      trigger('subscriber: {ref: {kind: Broker, name: b}}'),
      'only Service refs are resolved',
    ],
    [
      'an unknown delivery field',
      trigger('subscriber: {uri: "http://x/"}\ndelivery: {retryAfterMax: PT1S}'),
      'retryAfterMax',
    ],
    [
      'the new filters field',
      trigger('subscriber: {uri: "http://x/"}\nfilters: [{exact: {type: t}}]'),
      'filters',
    ],
    [
      'a bad backoff policy',
      trigger('subscriber: {uri: "http://x/"}\ndelivery: {backoffPolicy: random}'),
      'backoffPolicy',
    ],
    [
      'a delay that is no duration',
      trigger('subscriber: {uri: "http://x/"}\ndelivery: {backoffDelay: 2s}'),
      'not an ISO-8601 duration',
    ],
    [
      'a zero timeout',
      trigger('subscriber: {uri: "http://x/"}\ndelivery: {timeout: PT0S}'),
      'must be positive',
    ],
    [
      'a delay in months',
      trigger('subscriber: {uri: "http://x/"}\ndelivery: {backoffDelay: P1M}'),
      'years or months',
    ],
    [
      'negative retries',
      trigger('subscriber: {uri: "http://x/"}\ndelivery: {retry: -1}'),
      'delivery.retry',
    ],
    [
      'a filter on a non-attribute',
      trigger('subscriber: {uri: "http://x/"}\nfilter: {attributes: {Type: x}}'),
      'lower-case letters and digits',
    ],
    ['a bad name', trigger('subscriber: {uri: "http://x/"}', 'Not_A_Label'), 'metadata.name'],
    [
      'another kind',
      trigger('subscriber: {uri: "http://x/"}').replace('kind: Trigger', 'kind: Subscription'),
      'kind',
    ],
    ['broken YAML', 'apiVersion: [', 'document 1'],
    ['an empty table', '# nothing\n', 'no triggers'],
    [
      'a name used twice',
      [trigger('subscriber: {uri: "http://x/"}'), trigger('subscriber: {uri: "http://y/"}')].join(
        '---\n',
      ),
      'used more than once',
    ],
  ])('refuses %s', (_name, text, fragment) => {
    expect(problemsOf(text).join('\n')).toContain(fragment);
  });

  it('lists every problem, each with its document and trigger name', () => {
    const text = [
      trigger('subscriber: {}', 'first'),
      trigger('subscriber: {uri: "http://x/"}\ndelivery: {timeout: soon}', 'second'),
    ].join('---\n');
    const problems = problemsOf(text);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^document 1 \(first\): spec\.subscriber/);
    expect(problems[1]).toMatch(/^document 2 \(second\): spec\.delivery\.timeout/);
  });

  it('says which file could not be read', async () => {
    await expect(loadTriggerTable('/nonexistent/triggers.yaml', options)).rejects.toThrow(
      /invalid trigger table \/nonexistent\/triggers\.yaml:\n {2}- cannot read it/,
    );
  });

  it('keeps the shipped file and the parser in step', async () => {
    // The table must stay a plain YAML stream the broker reads without a Kubernetes API.
    const text = await readFile('knative/base/triggers.yaml', 'utf8');
    expect(() => parseTriggerTable(text, options)).not.toThrow();
  });
});
