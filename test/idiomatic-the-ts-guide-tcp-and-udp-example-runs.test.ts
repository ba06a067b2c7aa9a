/**
 * docs/ts-guide.md's example of IP addresses, TCP and UDP in the idiomatic layer
 * (happy eyeballs, a TCP echo, UDP to itself), as written there.  The other
 * IP, TCP and UDP suites are c-api-ip-addresses-*, c-api-tcp-*,
 * c-api-udp-* and idiomatic-ip-addresses-tcp-and-udp.
 */
import { d, loadInstance } from './instance';

loadInstance();

describe('the TypeScript guide example (docs/ts-guide.md, TCP and UDP)', () => {
  test('TCP echo through happy eyeballs, UDP to itself', async () => {
    const out: string[] = [];
    {
      using ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
      d.go(async () => {
        for await (const s of ls) {
          for await (const chunk of s) await s.send(chunk);
          await s.closeGracefully({ deadline: d.now() + 1000 });
        }
      });
      await using c = await d.happyEyeballs('localhost', ls.port, { deadline: d.now() + 1000 });
      await c.send('hi');
      await c.done();
      out.push(Buffer.from(await c.recv(2)).toString());

      using u = await d.udpOpen({ local: d.ipLocal('127.0.0.1', 0) });
      u.send(u.local, 'to myself');
      const { data, from } = await u.recv({ deadline: d.now() + 1000 });
      out.push(`${Buffer.from(data).toString()} ${from.toString()}`);
      expect(from.port).toBe(u.local!.port);
    }
    expect(out[0]).toBe('hi');
    expect(out[1]).toMatch(/^to myself 127\.0\.0\.1:\d+$/);
  });
});
