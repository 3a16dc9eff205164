/** The client's application-level ping, with injected interval timers and a real gateway. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayClient } from '../../src/client/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('GatewayClient keepalive', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  it('sends a health request on every interval once connected, and stops on close', async () => {
    const intervals: { callback: () => void; ms: number }[] = [];
    let cleared = 0;
    const client = new GatewayClient({
      url: gateway.url,
      token: gateway.token,
      scopes: ['operator.read'],
      keepalive: { timers: { setInterval: (callback, ms) => intervals.push({ callback, ms }), clearInterval: () => cleared++ } },
    });
    await client.connect();
    assert.equal(intervals.length, 1);
    assert.equal(intervals[0]?.ms, 20_000);
    const pingsBefore = gateway.logLines.filter((line) => line.includes('"method":"health"') && line.includes('rpc ok')).length;
    intervals[0]?.callback();
    intervals[0]?.callback();
    const deadline = Date.now() + 2000;
    let pings = pingsBefore;
    while (pings < pingsBefore + 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      pings = gateway.logLines.filter((line) => line.includes('"method":"health"') && line.includes('rpc ok')).length;
    }
    assert.equal(pings, pingsBefore + 2, 'the gateway answered two pings');
    client.close();
    assert.equal(cleared, 1);
  });
});
