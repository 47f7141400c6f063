/**
 * What one request may hold of the receiver, whatever its protocol (otlp-receiver.ts answers
 * each refusal its own way: an HTTP status, a gRPC status):
 * - bytes: one request's body up to a limit, and every body in flight together up to a budget
 *   (BodyBudget), so that many uploads at once cannot add up past memory;
 * - time: a client that stalls or trickles is cut off (ReceiverTimeouts), and what its body held
 *   let go.
 */

/**
 * How long a client may take. An exporter sends a request at once, so each is far beyond what it
 * needs; a slowloris, a stalled upload or a trickle is closed, and what its body held let go.
 */
export interface ReceiverTimeouts {
  /** An HTTP/1.1 request's headers, from the connection (or the previous request) on: 408. */
  readonly headersMs: number;
  /** No byte of a request's body for this long (HTTP/1.1 and gRPC): 408, DEADLINE_EXCEEDED. */
  readonly idleMs: number;
  /** A request's whole body, however it trickles in: 408, DEADLINE_EXCEEDED. */
  readonly bodyMs: number;
  /** A gRPC connection without a frame for this long is told to go away; an exporter reconnects. */
  readonly sessionIdleMs: number;
}

export const DEFAULT_TIMEOUTS: ReceiverTimeouts = {
  headersMs: 10_000,
  idleMs: 30_000,
  bodyMs: 60_000,
  sessionIdleMs: 60_000,
};

/** Eight requests of the default --max-body (32 MiB) at once. */
export const MAX_INFLIGHT_BYTES = 256 * 2 ** 20;

/** A body over the limit (`--max-body`), as sent or once unzipped. */
export class BodyTooLarge extends Error {}
/** The budget of bytes in flight is spent: the client should send again later. */
export class Overloaded extends Error {}
/** The client stalled or trickled its body. */
export class RequestTimeout extends Error {}
/** The client hung up before its body was whole. */
export class ClientGone extends Error {}

/** Bytes of request bodies held in memory, across every request in flight. */
export class BodyBudget {
  #used = 0;
  constructor(readonly limit: number) {}

  get used(): number {
    return this.#used;
  }

  get free(): number {
    return this.limit - this.#used;
  }

  /** One request's share: taken chunk by chunk as its body arrives, given back whole once it is over. */
  claim(): BodyClaim {
    let held = 0;
    return {
      take: (bytes) => {
        if (this.#used + bytes > this.limit) return false;
        this.#used += bytes;
        held += bytes;
        return true;
      },
      release: () => {
        this.#used -= held;
        held = 0;
      },
      refusal: () => this.refusal(),
    };
  }

  /** Why a request is refused for now, for the client and the log. */
  refusal(): Overloaded {
    return new Overloaded(
      `requests in flight hold ${this.#used} bytes, the limit is ${this.limit} (--max-inflight): send it again later`,
    );
  }
}

export interface BodyClaim {
  /** false when the bytes do not fit: nothing is taken. */
  take(bytes: number): boolean;
  release(): void;
  refusal(): Overloaded;
}

/**
 * The body, each chunk taken from the claim as it arrives, refused past `limit` bytes (the error
 * names `named`, the limit the user set). Settles once, whatever happens (done, too large, over the
 * budget, stalled, trickled, the client gone); chunks after that are dropped.
 */
export function readBody(
  source: NodeJS.ReadableStream,
  claim: BodyClaim,
  { idleMs, bodyMs }: ReceiverTimeouts,
  limit: number,
  named = limit,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      clearTimeout(whole);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
      chunks = [];
    };
    const idle = setTimeout(
      () => settle(new RequestTimeout(`no byte of the body for ${seconds(idleMs)}`)),
      idleMs,
    );
    const whole = setTimeout(
      () => settle(new RequestTimeout(`the body did not arrive whole within ${seconds(bodyMs)}`)),
      bodyMs,
    );
    source.on('data', (chunk: Buffer) => {
      if (settled) return;
      idle.refresh();
      size += chunk.length;
      if (size > limit) return settle(new BodyTooLarge(`body over ${named} bytes`));
      if (!claim.take(chunk.length)) return settle(claim.refusal());
      chunks.push(chunk);
    });
    source.on('end', () => settle());
    source.on('error', settle);
    // 'close' without 'end': the client went away (HTTP/1.1 says 'aborted' first, HTTP/2 may not).
    source.on('aborted', () => settle(new ClientGone('client went away')));
    source.on('close', () => settle(new ClientGone('client went away')));
  });
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}
