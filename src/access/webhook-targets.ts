/**
 * Where tenant notifications may go. A tenant's webhook URL is chosen by the tenant, and the worker POSTs to it from
 * inside the installation's network: without a rule it could aim at localhost, the cloud metadata endpoint
 * (169.254.169.254) or any private service. By default only public unicast addresses are allowed: loopback, private
 * (10/8, 172.16/12, 192.168/16, fc00::/7), link-local, CGNAT, unspecified (0.0.0.0, ::), multicast, reserved and the
 * IPv6 forms that embed an IPv4 address (IPv4-mapped is judged as its IPv4; 6to4, Teredo, NAT64 are refused) are not.
 *
 * The rule is applied twice: at registration (an IP literal or a localhost name is refused at once) and at delivery
 * after DNS resolution, by the lookup the connection itself uses (deliveryAgent), so a name that resolves to a public
 * address when checked and to a private one when connecting (DNS rebinding) cannot get through.
 *
 * On-premise installations list what they allow in WEBHOOK_ALLOWED_HOSTS: host names (exact, case-insensitive),
 * IP addresses and CIDR ranges.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';

export interface WebhookTargetPolicy {
  hosts: ReadonlySet<string>;
  ranges: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

/** One WEBHOOK_ALLOWED_HOSTS entry: a reason it is not valid, or undefined. */
export function allowEntryProblem(entry: string): string | undefined {
  if (entry.includes('/')) {
    try {
      ipaddr.parseCIDR(entry);
      return undefined;
    } catch {
      return `${entry} is not a CIDR range (e.g. 10.0.0.0/8, fd00::/8)`;
    }
  }
  if (isIP(entry.replace(/^\[|\]$/g, ''))) return undefined;
  return /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*$/.test(entry)
    ? undefined
    : `${entry} is not a host name, IP address or CIDR range`;
}

/** The policy for a WEBHOOK_ALLOWED_HOSTS list (entries already validated by allowEntryProblem). */
export function webhookTargetPolicy(allowed: readonly string[] = []): WebhookTargetPolicy {
  const hosts = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const raw of allowed) {
    const entry = raw
      .trim()
      .toLowerCase()
      .replace(/^\[|\]$/g, '');
    if (entry.includes('/')) ranges.push(ipaddr.parseCIDR(entry));
    else if (isIP(entry)) {
      const ip = ipaddr.process(entry);
      ranges.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else hosts.add(entry);
  }
  return { hosts, ranges };
}

/** Why an address may not be delivered to, or undefined when it may. */
export function addressRefusal(address: string, policy: WebhookTargetPolicy): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  const ip = ipaddr.process(address);
  if (
    policy.ranges.some(([net, bits]) => net.kind() === ip.kind() && (ip as ipaddr.IPv4).match(net as ipaddr.IPv4, bits))
  )
    return undefined;
  const range = ip.range();
  return range === 'unicast' ? undefined : `${address} is a ${range} address`;
}

const hostOf = (url: URL) => url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
const isLocalName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/**
 * The registration check: why this URL may not be registered, or undefined. Names other than localhost are
 * checked when delivering, after resolution (they may legitimately move between addresses).
 */
export function targetUrlRefusal(rawUrl: string, policy: WebhookTargetPolicy): string | undefined {
  const host = hostOf(new URL(rawUrl));
  if (policy.hosts.has(host)) return undefined;
  if (isIP(host)) {
    const why = addressRefusal(host, policy);
    return why && `${why}: not allowed as a webhook target (an operator may allow it with WEBHOOK_ALLOWED_HOSTS)`;
  }
  if (isLocalName(host))
    return `${host} is this machine: not allowed as a webhook target (an operator may allow it with WEBHOOK_ALLOWED_HOSTS)`;
  return undefined;
}

export class WebhookTargetRefused extends Error {
  override name = 'WebhookTargetRefused';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A dns.lookup replacement for the delivery connection: resolves, then hands the socket only addresses the policy
 * allows (a name on the allow-list: every address it resolves to).
 */
export function guardedLookup(policy: WebhookTargetPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const trusted = policy.hosts.has(hostname.toLowerCase());
      const usable = trusted ? addresses : addresses.filter((a) => addressRefusal(a.address, policy) === undefined);
      if (usable.length === 0) {
        const why = addresses
          .map((a) => addressRefusal(a.address, policy))
          .filter(Boolean)
          .join('; ');
        return callback(
          new WebhookTargetRefused(
            `${hostname} resolves only to addresses not allowed as webhook targets (${why}); an operator may allow them with WEBHOOK_ALLOWED_HOSTS`,
          ),
          [],
        );
      }
      if (options.all) return callback(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

/** The HTTP agent deliveries use: every connection resolves through guardedLookup. */
export const deliveryAgent = (policy: WebhookTargetPolicy): Agent =>
  new Agent({ connect: { lookup: guardedLookup(policy) } });
