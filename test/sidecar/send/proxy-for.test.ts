import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { proxyFor } from '../../../src/sidecar/send/proxy-for.ts';

const P = 'http://proxy.internal:3128';

describe('proxyFor', () => {
  const cases: [string, string, Record<string, string>, string | undefined][] = [
    ['https goes through HTTPS_PROXY', 'https://telemetry.example/c', { HTTPS_PROXY: P }, P],
    ['http goes through HTTP_PROXY', 'http://telemetry.example/c', { HTTP_PROXY: P }, P],
    ['HTTP_PROXY is not used for https', 'https://telemetry.example/c', { HTTP_PROXY: P }, undefined],
    ['HTTPS_PROXY is not used for http', 'http://telemetry.example/c', { HTTPS_PROXY: P }, undefined],
    ['ALL_PROXY covers either', 'https://telemetry.example/c', { ALL_PROXY: P }, P],
    ['the scheme-specific variable wins over ALL_PROXY', 'https://telemetry.example/c', { ALL_PROXY: 'http://all:1', HTTPS_PROXY: P }, P],
    ['lower case wins over upper case', 'https://telemetry.example/c', { https_proxy: P, HTTPS_PROXY: 'http://upper:1' }, P],
    ['an empty variable counts as unset', 'https://telemetry.example/c', { https_proxy: '', HTTPS_PROXY: P }, P],
    ['a proxy without a scheme gets the URL\'s', 'https://telemetry.example/c', { HTTPS_PROXY: 'proxy.internal:3128' }, 'https://proxy.internal:3128'],
    ['nothing set: direct', 'https://telemetry.example/c', {}, undefined],
    ['NO_PROXY=* : direct', 'https://telemetry.example/c', { HTTPS_PROXY: P, NO_PROXY: '*' }, undefined],
    ['NO_PROXY exact host', 'https://telemetry.example/c', { HTTPS_PROXY: P, NO_PROXY: 'other.example,telemetry.example' }, undefined],
    ['NO_PROXY exact host does not cover a subdomain', 'https://a.telemetry.example/c', { HTTPS_PROXY: P, NO_PROXY: 'telemetry.example' }, P],
    ['NO_PROXY .suffix', 'https://a.telemetry.example/c', { HTTPS_PROXY: P, NO_PROXY: '.telemetry.example' }, undefined],
    ['NO_PROXY *.suffix', 'https://a.telemetry.example/c', { HTTPS_PROXY: P, NO_PROXY: '*.telemetry.example' }, undefined],
    ['NO_PROXY separated by spaces, in any case', 'https://telemetry.example/c', { HTTPS_PROXY: P, no_proxy: 'a.example  TELEMETRY.EXAMPLE' }, undefined],
    ['NO_PROXY with the same port', 'https://telemetry.example:8443/c', { HTTPS_PROXY: P, NO_PROXY: 'telemetry.example:8443' }, undefined],
    ['NO_PROXY with another port', 'https://telemetry.example/c', { HTTPS_PROXY: P, NO_PROXY: 'telemetry.example:8443' }, P],
    ['NO_PROXY with the default port written out', 'https://telemetry.example/c', { HTTPS_PROXY: P, NO_PROXY: 'telemetry.example:443' }, undefined],
    ['NO_PROXY for an IPv6 address in brackets', 'https://[2001:db8::1]/c', { HTTPS_PROXY: P, NO_PROXY: '[2001:db8::1]' }, undefined],
    ['localhost never goes through a proxy', 'http://localhost:4300/c', { HTTP_PROXY: P, ALL_PROXY: P }, undefined],
    ['a *.localhost name never does', 'https://collector.localhost/c', { HTTPS_PROXY: P }, undefined],
    ['127.0.0.1 never does', 'http://127.0.0.1:4300/c', { HTTP_PROXY: P }, undefined],
    ['all of 127.0.0.0/8 never does', 'https://127.12.0.9/c', { HTTPS_PROXY: P }, undefined],
    ['::1 never does', 'http://[::1]:4300/c', { HTTP_PROXY: P }, undefined],
    ['a name that only starts like localhost does', 'https://localhost.example/c', { HTTPS_PROXY: P }, P],
  ];
  for (const [name, url, env, expected] of cases) {
    it(name, () => assert.equal(proxyFor(new URL(url), env), expected));
  }
});
