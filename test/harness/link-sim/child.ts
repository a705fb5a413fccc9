import { profileNamed } from './profiles.js';
import { startLinkProxy } from './proxy.js';

// The link simulator in a process of its own (the bench's): its CPU is then not the client's, and
// its timers are not late because the client is busy. Prints `{"port": n}` once listening and exits
// when its parent closes stdin.
// argv: <profile> <upstream host> <upstream port>

const [profile, host, port] = process.argv.slice(2);
const proxy = await startLinkProxy({ host, port: Number(port) }, profileNamed(profile));
process.stdout.write(`${JSON.stringify({ port: proxy.port })}\n`);
process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0)).resume();
