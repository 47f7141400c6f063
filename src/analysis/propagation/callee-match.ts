import type { Span } from '../../model/types.js';
import { attributeString } from '../attributes.js';
import { type CalledPeer, sameAddress, servedAt } from '../peers.js';
import { detectError } from '../span-errors.js';
import type { TimingLookup } from './call-timing.js';
import type { Located, TraceLookup } from './trace-index.js';

/** A call with no answer in its own trace, and what it says it called. */
export interface UnansweredCall {
  readonly call: Located;
  readonly peer: CalledPeer;
  /** The service the call named (peer.service, a host named like a service, or its address's). */
  readonly peerService: string | undefined;
}

/** The far side of a broken call: a root in another trace, and the others that fit it as well. */
export interface CalleeMatch {
  readonly root: Located;
  readonly cause: 'callee-did-not-extract' | 'hop-dropped-context';
  /** Roots that fit the call just as well, with nothing to tell them apart: "one of N traces". */
  readonly alternatives: readonly Located[];
}

/**
 * Network and rounding: how far outside a call its callee's root may sit once the clocks are
 * lined up (timestamps are µs on most wires, and a request crosses loopback in tens of µs).
 */
const SLACK = 1_000_000n;
/**
 * A SERVER span may end after the CLIENT span that got its answer without any skew: the server
 * ends its span when the response is flushed, which a busy event loop can delay past the client's
 * read (8 ms was seen on one machine under load; clock-skew.ts allows the same).
 */
const END_SLACK = 25_000_000n;
/** Two roots whose gaps differ by less than this (or the wire's spread) cannot be told apart. */
const SAME_FIT = 100_000n;

/** How well a root answers a call: what the two sides record first, then how tightly it fits. */
interface Fit {
  readonly call: number;
  readonly root: Located;
  /** 0: the path or RPC method agrees, 1: nothing to compare, 2: they differ (a proxy rewrote it?). */
  readonly tier: 0 | 1 | 2;
  /** How far the root's start and end sit from the call's, once the clocks are lined up. */
  readonly gap: bigint;
  readonly sameFit: bigint;
}

/**
 * Pairs each call with the root of another trace that answered it, all calls at once, so that
 * one root answers one call at most:
 *
 *   trace A  |----CLIENT GET → order-service----|        no SERVER child
 *   trace B     |--SERVER GET (order-service)--|         fits inside: the callee, which did not continue A
 *   trace C  |--SERVER GET (order-service)----------|    started before and ended after: another request
 *
 * - A candidate is a root (SERVER or CONSUMER, no parent, no link) of the service the call named,
 *   or reached at the address it named, that fits inside the call once the callee's clock is
 *   lined up with the caller's (CallTimings, learnt from the calls that did continue). A call
 *   that failed may have given up before its callee ended: only its start must fit.
 * - Roots whose path or RPC method agrees with the call's come first, then the tightest fits;
 *   the best pairs across all calls are taken first, each call and each root once.
 * - Roots left over that fit a call as well as the one it got are its alternatives.
 * - A CLIENT call to no service in the data (a proxy's address) is paired afterwards with the
 *   one root of another service that fits inside it, if there is exactly one: a hop between them
 *   dropped the headers. Several such roots say nothing certain, and nothing is claimed.
 */
export function matchCallees(
  calls: readonly UnansweredCall[],
  index: TraceLookup,
  timings: TimingLookup,
): (CalleeMatch | undefined)[] {
  const reach = SLACK + END_SLACK + timings.widest();
  const fitsOf = calls.map((entry, i) => {
    const { call } = entry;
    return index
      .calleeRootsStartingIn(call.span.start - reach, call.span.end + reach)
      .filter((root) => root.traceId !== call.traceId)
      .map((root) => (named(entry, root) ? fitOf(i, call.span, root, timings) : undefined))
      .filter((fit) => fit !== undefined);
  });

  const matches: (CalleeMatch | undefined)[] = calls.map(() => undefined);
  const claimed = new Set<Located>();
  const chosen = new Map<number, Fit>();
  for (const fit of fitsOf.flat().sort(byFit)) {
    if (chosen.has(fit.call) || claimed.has(fit.root)) continue;
    chosen.set(fit.call, fit);
    claimed.add(fit.root);
  }
  for (const [i, best] of chosen) {
    const alternatives = fitsOf[i]!.filter(
      (fit) =>
        fit !== best &&
        !claimed.has(fit.root) &&
        fit.tier === best.tier &&
        fit.gap - best.gap <= best.sameFit,
    );
    matches[i] = {
      root: best.root,
      cause: 'callee-did-not-extract',
      alternatives: alternatives.map((fit) => fit.root),
    };
  }

  for (const [i, { call, peerService }] of calls.entries()) {
    if (matches[i] || peerService !== undefined || call.span.kind !== 'client') continue;
    const inside = index
      .calleeRootsStartingIn(call.span.start - reach, call.span.end + reach)
      .filter(
        (root) =>
          root.traceId !== call.traceId &&
          root.span.service !== call.span.service &&
          !claimed.has(root) &&
          fitOf(i, call.span, root, timings) !== undefined,
      );
    if (inside.length !== 1) continue;
    claimed.add(inside[0]!);
    matches[i] = { root: inside[0]!, cause: 'hop-dropped-context', alternatives: [] };
  }
  return matches;
}

/** The root is of the service the call named, or was reached at the address it named. */
function named({ peer, peerService }: UnansweredCall, root: Located): boolean {
  return (
    (peerService !== undefined && root.span.service === peerService) ||
    (peer.address !== undefined && sameAddress(servedAt(root.span), peer.address))
  );
}

/**
 * How `root` fits inside `call` once the clocks are lined up; undefined where it does not. The
 * gap is how far its start and end sit from where the wire puts them (the pair's median time a
 * way), so that a root starting before the call is not preferred to one a wire's time after it.
 * A call that failed may have given up first: a root that ends after it is judged by its start.
 */
function fitOf(i: number, call: Span, root: Located, timings: TimingLookup): Fit | undefined {
  const pair = timings.estimate(call.service, root.span.service);
  const { offset, offsetSpread, wire, wireSpread } = pair ?? NO_TIMING;
  const slack = SLACK + 3n * offsetSpread;
  const start = root.span.start - offset;
  const end = root.span.end - offset;
  if (start < call.start - slack || start > call.end + slack) return undefined;
  const gaveUp = end > call.end + slack + END_SLACK;
  if (gaveUp && !detectError(call)) return undefined;
  const gap = abs(start - (call.start + wire)) + (gaveUp ? 0n : abs(call.end - wire - end));
  return { call: i, root, tier: agreement(call, root.span), gap, sameFit: max(SAME_FIT, wireSpread) };
}

const NO_TIMING = { offset: 0n, offsetSpread: 0n, wire: 0n, wireSpread: 0n };

function byFit(a: Fit, b: Fit): number {
  return (
    a.tier - b.tier ||
    compare(a.gap, b.gap) ||
    a.call - b.call ||
    compare(a.root.span.start, b.root.span.start) ||
    (a.root.traceId < b.root.traceId ? -1 : a.root.traceId > b.root.traceId ? 1 : 0)
  );
}

/** Whether the call and the root name the same request: HTTP path (or route), or RPC method. */
function agreement(call: Span, root: Span): Fit['tier'] {
  const method = (span: Span) => {
    const service = attributeString(span.attributes, 'rpc.service');
    const name = attributeString(span.attributes, 'rpc.method');
    return service !== undefined && name !== undefined ? `${service}/${name}` : undefined;
  };
  const calledMethod = method(call);
  const servedMethod = method(root);
  if (calledMethod !== undefined && servedMethod !== undefined) return calledMethod === servedMethod ? 0 : 2;
  const path = calledPath(call);
  if (path === undefined) return 1;
  const servedPath = pathOf(attributeString(root.attributes, 'url.path', 'http.target'));
  if (servedPath !== undefined) return servedPath === path ? 0 : 2;
  const route = attributeString(root.attributes, 'http.route');
  if (route !== undefined) return routeMatches(route, path) ? 0 : 2;
  return 1;
}

/** The path a client span called: from its URL, or url.path / http.target where it records them. */
function calledPath(span: Span): string | undefined {
  const url = attributeString(span.attributes, 'url.full', 'http.url');
  if (url !== undefined && URL.canParse(url)) return new URL(url).pathname;
  return pathOf(attributeString(span.attributes, 'url.path', 'http.target'));
}

/** A path without its query or fragment. */
function pathOf(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

/**
 * A route template against a concrete path, segment by segment: `:id`, `{id}` and `[id]` match any
 * one segment, a trailing `*` (or `**`, `*path`) any rest.
 */
export function routeMatches(route: string, path: string): boolean {
  const wanted = pathOf(route)!.split('/');
  const got = path.split('/');
  for (let i = 0; i < wanted.length; i++) {
    const segment = wanted[i]!;
    if (segment.startsWith('*')) return i === wanted.length - 1;
    if (i >= got.length) return false;
    if (/^(:.+|\{.+\}|\[.+\])$/.test(segment)) continue;
    if (segment !== got[i]) return false;
  }
  return wanted.length === got.length;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
