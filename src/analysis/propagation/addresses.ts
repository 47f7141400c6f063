/** `host:port` against `host:port`; where either has no port, the hosts alone. */
export function sameAddress(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const [hostA, portA] = splitAddress(a);
  const [hostB, portB] = splitAddress(b);
  return hostA === hostB && (portA === undefined || portB === undefined || portA === portB);
}

function splitAddress(address: string): [string, string | undefined] {
  const colon = address.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(address.slice(colon + 1))
    ? [address.slice(0, colon), address.slice(colon + 1)]
    : [address, undefined];
}
