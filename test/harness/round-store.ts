import type { HierarchyListing, ListedObject, ObjectRange, ObjectStore } from '../../electron/storage/object-store.js';

// An object store whose requests go out in rounds, as round trips on a long link do: every request the code asks
// for is held until the test calls `round()`, which sends all of them at once (to the real store: Azurite), waits
// for their answers and for the code to ask what those answers lead to. The rounds a result takes are then its
// sequential round trips, counted the same however fast the link or the machine is: no timing is asserted.

/** No new request for this long after the last answers: the code has asked all they lead to. */
const QUIET_MS = 150;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RoundStore implements ObjectStore {
  readonly description: string;
  /** Requests asked for so far (sent or held). */
  requests = 0;
  rounds = 0;
  private held: (() => Promise<unknown>)[] = [];

  constructor(private readonly inner: ObjectStore) {
    this.description = inner.description;
  }

  listHierarchy(prefix: string, limit?: number): Promise<HierarchyListing> {
    return this.hold(() => this.inner.listHierarchy(prefix, limit));
  }

  listAll(prefix: string): Promise<ListedObject[]> {
    return this.hold(() => this.inner.listAll(prefix));
  }

  read(name: string): Promise<Buffer> {
    return this.hold(() => this.inner.read(name));
  }

  readRange(name: string, offset: number, length: number): Promise<ObjectRange> {
    return this.hold(() => this.inner.readRange(name, offset, length));
  }

  /** Requests held now, waiting for the next round. */
  get waiting(): number {
    return this.held.length;
  }

  /** Sends every held request, then waits for their answers and for the requests they lead to. */
  async round(): Promise<void> {
    const sent = this.held.splice(0);
    this.rounds++;
    await Promise.allSettled(sent.map((go) => go()));
    await this.quiet();
  }

  /** Waits until the code has stopped asking for requests (it waits on held ones, or is done). */
  async quiet(): Promise<void> {
    for (let seen = -1; seen !== this.requests; ) {
      seen = this.requests;
      await pause(QUIET_MS);
    }
  }

  private hold<T>(call: () => Promise<T>): Promise<T> {
    this.requests++;
    return new Promise<T>((resolve, reject) => {
      this.held.push(() => call().then(resolve, reject));
    });
  }
}
