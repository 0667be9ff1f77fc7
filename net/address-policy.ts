import ipaddr from 'ipaddr.js';

/**
 * Which addresses a connector may reach: public unicast addresses always; private, loopback and
 * link-local ones only when TRIBUTARY_ALLOWED_HOSTS names the host, the address or a CIDR holding it.
 */
export class AddressPolicy {
  private readonly hostnames = new Set<string>();
  private readonly ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];

  constructor(allowed: readonly string[]) {
    for (const entry of allowed.map((value) => value.trim().toLowerCase()).filter(Boolean)) {
      if (entry.includes('/') && ipaddr.isValidCIDR(entry)) this.ranges.push(ipaddr.parseCIDR(entry));
      else if (ipaddr.isValid(entry)) {
        const address = ipaddr.parse(entry);
        this.ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else this.hostnames.add(entry);
    }
  }

  allowsHostname(hostname: string): boolean {
    return this.hostnames.has(hostname.toLowerCase());
  }

  /** True when `address` is public, or private but explicitly allowed. */
  allowsAddress(address: string, hostname?: string): boolean {
    if (hostname && this.allowsHostname(hostname)) return true;
    if (!ipaddr.isValid(address)) return false;
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
      parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    }
    if (parsed.range() === 'unicast') return true;
    return this.ranges.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits));
  }
}
