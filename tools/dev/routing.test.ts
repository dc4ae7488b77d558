import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRouting, loadRouting } from './routing';

const file = resolve(import.meta.dirname, '../../knative/base/routing.yaml');

describe('the production routing file', () => {
  it.each([
    ['GET', '/', 'question'],
    ['HEAD', '/', 'question'],
    ['GET', '/multivac', 'question'],
    ['POST', '/multivac', 'process'],
    ['PUT', '/multivac/data', 'data'],
    ['POST', '/multivac/data', 'data'],
    ['GET', '/multivac/data', 'data'],
    ['GET', '/multivac/data/abc123', 'data'],
    ['GET', '/multivac/jobs/j-1', 'process'],
  ])('%s %s → %s', async (method, path, service) => {
    const action = (await loadRouting(file)).resolve(method, path);
    expect(action).toMatchObject({ kind: 'forward', service });
  });

  const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  it.each([
    ['GET', '/', browser, 'console'],
    ['HEAD', '/', 'text/html', 'console'],
    ['GET', '/', '*/*', 'question'],
    ['GET', '/', 'application/json', 'question'],
    ['GET', '/console/main-ABCD1234.js', '*/*', 'console'],
    ['GET', '/console/favicon-ABCD1234.svg', browser, 'console'],
  ])('%s %s with Accept %s → %s', async (method, path, accept, service) => {
    const action = (await loadRouting(file)).resolve(method, path, { accept });
    expect(action).toMatchObject({ kind: 'forward', service });
  });

  it('says `/` varies by Accept, whichever function answers it', async () => {
    const routing = await loadRouting(file);
    for (const accept of ['text/html', '*/*'])
      expect(routing.resolve('GET', '/', { accept })?.responseHeaders).toEqual({ vary: 'Accept' });
  });

  it.each([
    ['DELETE', '/multivac', 405, 'GET, HEAD, POST'],
    ['PATCH', '/multivac/data', 405, 'GET, HEAD, PUT, POST'],
    ['PUT', '/multivac/jobs/1', 405, 'GET, HEAD'],
    ['POST', '/', 405, 'GET, HEAD'],
    ['PUT', '/console/main-ABCD1234.js', 405, 'GET, HEAD'],
    ['GET', '/console', 404, undefined],
    ['GET', '/nope', 404, undefined],
    ['GET', '/multivac/data/a/b', 404, undefined],
  ])('%s %s → %i at the edge', async (method, path, status, allow) => {
    const action = (await loadRouting(file)).resolve(method, path);
    expect(action).toMatchObject({ kind: 'direct', status });
    if (action?.kind !== 'direct') throw new Error('expected a direct response');
    expect(action.responseHeaders['content-type']).toBe('application/problem+json');
    expect(JSON.parse(action.body)).toMatchObject({ status });
    expect(action.responseHeaders.allow).toBe(allow);
  });

  it('names the services it routes to', async () => {
    expect((await loadRouting(file)).services()).toEqual([
      'console',
      'data',
      'process',
      'question',
    ]);
  });
});

describe('compileRouting', () => {
  const yaml = (http: unknown) =>
    JSON.stringify({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      spec: { http },
    });

  it('takes the first route that matches, in order', () => {
    const routing = compileRouting(
      yaml([
        {
          name: 'a',
          match: [{ uri: { prefix: '/x' } }],
          rewrite: { authority: 'one.ns.svc.cluster.local' },
          route: [{ destination: { host: 'gw' } }],
        },
        {
          name: 'b',
          match: [{ uri: { exact: '/x/y' } }],
          rewrite: { authority: 'two.ns.svc.cluster.local' },
          route: [{ destination: { host: 'gw' } }],
        },
      ]),
    );
    expect(routing.resolve('GET', '/x/y')).toMatchObject({ route: 'a', service: 'one' });
  });

  it('applies a route when any match entry applies, all conditions of an entry together', () => {
    const routing = compileRouting(
      yaml([
        {
          match: [{ uri: { exact: '/a' }, method: { exact: 'GET' } }, { uri: { exact: '/b' } }],
          rewrite: { authority: 's.ns' },
          route: [{ destination: { host: 'gw' } }],
        },
      ]),
    );
    expect(routing.resolve('GET', '/a')).toBeDefined();
    expect(routing.resolve('POST', '/a')).toBeUndefined();
    expect(routing.resolve('POST', '/b')).toBeDefined();
  });

  it('anchors regexes like RE2 full matches', () => {
    const routing = compileRouting(
      yaml([
        {
          match: [{ uri: { regex: '/a/[0-9]+' } }],
          rewrite: { authority: 's.ns' },
          route: [{ destination: { host: 'gw' } }],
        },
      ]),
    );
    expect(routing.resolve('GET', '/a/12')).toBeDefined();
    expect(routing.resolve('GET', '/a/12/x')).toBeUndefined();
    expect(routing.resolve('GET', '/x/a/12')).toBeUndefined();
  });

  describe('header matches (exact, prefix, regex)', () => {
    const routing = compileRouting(
      yaml([
        {
          name: 'exact',
          match: [{ uri: { exact: '/' }, headers: { 'x-mode': { exact: 'on' } } }],
          rewrite: { authority: 'exact.ns' },
          route: [{ destination: { host: 'gw' } }],
        },
        {
          name: 'prefix',
          match: [{ uri: { exact: '/' }, headers: { Accept: { prefix: 'application/' } } }],
          rewrite: { authority: 'prefix.ns' },
          route: [{ destination: { host: 'gw' } }],
        },
        {
          name: 'regex',
          match: [{ uri: { exact: '/' }, headers: { accept: { regex: '.*text/html.*' } } }],
          rewrite: { authority: 'regex.ns' },
          route: [{ destination: { host: 'gw' } }],
        },
        {
          name: 'any',
          match: [{ uri: { exact: '/' } }],
          rewrite: { authority: 'any.ns' },
          route: [{ destination: { host: 'gw' } }],
        },
      ]),
    );

    it.each([
      [{ 'x-mode': 'on' }, 'exact'],
      [{ 'x-mode': 'on!' }, 'any'],
      [{ 'x-mode': 'ON' }, 'any'],
      [{ accept: 'application/json' }, 'prefix'],
      [{ accept: 'text/plain, application/json' }, 'any'],
      [{ accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, 'regex'],
      [{ accept: 'application/xhtml+xml, text/html' }, 'prefix'],
      [{ accept: ['text/plain', 'text/html'] }, 'regex'],
      [{ accept: '*/*' }, 'any'],
      [{}, 'any'],
    ])('%j → %s', (headers, route) => {
      expect(routing.resolve('GET', '/', headers)).toMatchObject({ route });
    });

    it('never takes a header route for a request without that header', () => {
      expect(routing.resolve('GET', '/')).toMatchObject({ route: 'any' });
    });

    it('refuses a header match it cannot interpret', () => {
      expect(() =>
        compileRouting(
          yaml([{ match: [{ headers: { accept: { suffix: 'html' } } }], directResponse: {} }]),
        ),
      ).toThrow(/unsupported header accept match/);
    });
  });

  it('refuses a file without a VirtualService', () => {
    expect(() => compileRouting('kind: Service\n')).toThrow(/no VirtualService/);
  });
});
