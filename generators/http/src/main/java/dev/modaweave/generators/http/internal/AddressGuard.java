package dev.modaweave.generators.http.internal;

import dev.modaweave.generators.http.UnsafeUrlException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a URL that came from a backend's answer may be fetched (server-side request
 * forgery guard): scheme http/https, host in the allow-list when there is one, and every address
 * the host resolves to public unless private addresses are allowed.
 *
 * <p>The host is resolved here and again by the HTTP client when it connects; a DNS server that
 * answers differently the second time is not defended against.
 */
public final class AddressGuard {

    /** Resolves host names; replaceable in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final Set<String> allowedHosts;
    private final Resolver resolver;

    public AddressGuard(boolean allowPrivate, Set<String> allowedHosts, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.allowedHosts = Set.copyOf(allowedHosts);
        this.resolver = resolver;
    }

    /**
     * @param what describes the URL in messages, e.g. {@code "media URL"}
     * @throws UnsafeUrlException when the URL must not be fetched
     */
    public void check(URI url, String what) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new UnsafeUrlException("refused to fetch the " + what + " with scheme '" + scheme
                    + "'; only http and https URLs are fetched");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new UnsafeUrlException("refused to fetch the " + what + " '" + Text.shorten(url.toString(), 120)
                    + "': it has no host");
        }
        String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!allowedHosts.isEmpty() && !allowedHosts.contains(bareHost.toLowerCase(Locale.ROOT))) {
            throw new UnsafeUrlException("refused to fetch the " + what + " on host '" + bareHost
                    + "': it is not in allowedMediaHosts " + allowedHosts);
        }
        if (allowPrivate) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bareHost);
        } catch (UnknownHostException e) {
            throw new UnsafeUrlException("refused to fetch the " + what + " on host '" + bareHost
                    + "': the host name does not resolve, so it cannot be checked");
        }
        for (InetAddress address : addresses) {
            Optional<String> kind = nonPublicKind(address);
            if (kind.isPresent()) {
                throw new UnsafeUrlException("refused to fetch the " + what + " on host '" + bareHost + "': it resolves to "
                        + kind.get() + " address " + address.getHostAddress()
                        + "; set allowPrivateAddresses: true for this tool if the backend serves media from your own network");
            }
        }
    }

    /** What kind of non-public address {@code address} is (loopback, private…), or empty if it is public. */
    public static Optional<String> nonPublicKind(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return Optional.of("an unspecified");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("a loopback");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("a private");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast");
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return ipv4Kind(b);
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xFE) == 0xFC) {
                return Optional.of("a unique-local");
            }
            if ((b[0] & 0xFF) == 0xFE && (b[1] & 0xC0) == 0xC0) {
                return Optional.of("a site-local");
            }
            if (isZero(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF
                    || isZero(b, 0, 12)
                    || (b[0] & 0xFF) == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B) {
                return embeddedIpv4Kind(b, 12);
            }
            if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
                return embeddedIpv4Kind(b, 2);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> embeddedIpv4Kind(byte[] b, int offset) {
        byte[] v4 = new byte[] {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]};
        try {
            return nonPublicKind(InetAddress.getByAddress(v4)).map(kind -> kind + " (embedded IPv4)");
        } catch (UnknownHostException e) {
            return Optional.of("a malformed");
        }
    }

    private static Optional<String> ipv4Kind(byte[] b) {
        int first = b[0] & 0xFF;
        int second = b[1] & 0xFF;
        if (first == 0) {
            return Optional.of("a this-network");
        }
        if (first == 100 && (second & 0xC0) == 64) {
            return Optional.of("a shared (carrier-grade NAT)");
        }
        if (first == 192 && second == 0 && (b[2] & 0xFF) == 0) {
            return Optional.of("an IETF-reserved");
        }
        if (first == 198 && (second == 18 || second == 19)) {
            return Optional.of("a benchmarking");
        }
        if (first >= 240) {
            return Optional.of("a reserved");
        }
        return Optional.empty();
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
