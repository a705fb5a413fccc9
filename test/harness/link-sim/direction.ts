import type net from 'node:net';
import type { SerialLink } from './serial-link.js';

// One direction of one proxied connection: each piece read from `from` takes its turn on the
// connection's link and then the shared one, travels half the round trip (± jitter) and is written
// to `to` in the order it was read. The reading side pauses while more than a few milliseconds of
// data wait for the link, so memory stays at about the link's bandwidth-delay product and the
// sender feels TCP's back-pressure.

/**
 * Pieces that take about half a millisecond on the connection's link (16 KiB to 256 KiB): small enough
 * that connections sharing the total cap interleave finely, no smaller than a fast link needs (each
 * piece costs a queue entry and a write).
 */
const PIECE_MS = 0.5;
const MIN_PIECE = 16 * 1024;
const MAX_PIECE = 256 * 1024;
/** Pause reading when this much time's worth of data waits to go out; resume at half (timers run late on a busy machine). */
const BACKLOG_MS = 20;
/**
 * Below this one-way delay a millisecond matters (the lan profile): waits shorter than POLL_BELOW_MS are
 * polled (setImmediate), as timers only have millisecond resolution. Polling keeps a core busy while
 * data flows, which on a long link takes CPU from the service and the client being measured (the bench
 * saw the proxy use more CPU than Azurite): there a timer's error is a few per cent of the delay.
 */
const PRECISE_BELOW_MS = 5;
const POLL_BELOW_MS = 2;
/** A poll turn finds a piece late by about this much on average, so pieces this close to due go now. */
const POLL_SLACK_MS = 0.05;
/** A timer fires up to a millisecond late: pieces due within half of one go now, which centres the error. */
const TIMER_SLACK_MS = 0.5;

interface Delivery {
  at: number;
  data: Buffer | null;
}

export interface DirectionLinks {
  connection: SerialLink;
  /** The connection's cap (bytes per second, Infinity for none), which sizes the pieces. */
  bytesPerSecond: number;
  total: SerialLink;
  oneWayMs: number;
  jitterMs: number;
  /** Nothing arrives before this (the handshake's round trip for the client's first bytes). */
  notBefore: number;
  /** Counts bytes carried. */
  carried(bytes: number): void;
}

export class Direction {
  private readonly queue: Delivery[] = [];
  private readonly piece: number;
  private readonly pollBelowMs: number;
  private readonly slackMs: number;
  private lastAt = 0;
  private waking = false;
  private backlogged = false;
  private draining = false;
  ended = false;

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly links: DirectionLinks,
  ) {
    const precise = links.oneWayMs < PRECISE_BELOW_MS;
    this.pollBelowMs = precise ? POLL_BELOW_MS : 0;
    this.slackMs = precise ? POLL_SLACK_MS : TIMER_SLACK_MS;
    this.piece = Math.min(MAX_PIECE, Math.max(MIN_PIECE, Math.round((links.bytesPerSecond * PIECE_MS) / 1000)));
    from.on('data', (chunk: Buffer) => this.read(chunk));
    from.on('end', () => {
      this.ended = true;
      this.push(null, performance.now());
    });
    to.on('drain', () => {
      this.draining = false;
      this.resumeIfFree();
    });
  }

  private read(chunk: Buffer): void {
    const now = performance.now();
    let sentAt = now;
    for (let at = 0; at < chunk.length; at += this.piece) {
      const piece = chunk.subarray(at, Math.min(chunk.length, at + this.piece));
      const own = this.links.connection.reserve(piece.length, now);
      // On the shared link the piece starts no earlier than on its own connection's.
      const shared = this.links.total.reserve(piece.length, own.start);
      // A saved-up burst sends sooner, but nothing leaves before it was read.
      sentAt = Math.max(now, own.finish, shared.finish);
      this.push(piece, sentAt);
    }
    const backlog = sentAt - now;
    if (backlog > BACKLOG_MS && !this.backlogged) {
      this.backlogged = true;
      this.from.pause();
      setTimeout(() => {
        this.backlogged = false;
        this.resumeIfFree();
      }, backlog - BACKLOG_MS / 2);
    }
  }

  private push(data: Buffer | null, sentAt: number): void {
    const jitter = (Math.random() - 0.5) * this.links.jitterMs;
    // Never before the piece read earlier: bytes keep their order.
    const at = Math.max(sentAt + Math.max(0, this.links.oneWayMs + jitter), this.lastAt, this.links.notBefore);
    this.lastAt = at;
    this.queue.push({ at, data });
    this.wake();
  }

  private resumeIfFree(): void {
    if (!this.backlogged && !this.draining && !this.from.destroyed) this.from.resume();
  }

  private wake(): void {
    if (this.waking || this.queue.length === 0) return;
    const wait = this.queue[0].at - performance.now();
    if (wait <= this.slackMs) return this.deliver();
    this.waking = true;
    const fire = () => {
      this.waking = false;
      this.deliver();
    };
    if (this.pollBelowMs === 0) setTimeout(fire, wait - this.slackMs);
    else if (wait >= this.pollBelowMs) setTimeout(fire, wait - this.pollBelowMs);
    else setImmediate(fire);
  }

  private deliver(): void {
    const now = performance.now() + this.slackMs;
    while (this.queue.length > 0 && this.queue[0].at <= now) {
      const { data } = this.queue.shift() as Delivery;
      if (this.to.destroyed) {
        this.queue.length = 0;
        return;
      }
      if (data === null) {
        this.to.end();
        continue;
      }
      this.links.carried(data.length);
      if (!this.to.write(data) && !this.draining) {
        this.draining = true;
        this.from.pause();
      }
    }
    this.wake();
  }
}
