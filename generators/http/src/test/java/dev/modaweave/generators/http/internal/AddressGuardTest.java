package dev.modaweave.generators.http.internal;

import dev.modaweave.generators.http.UnsafeUrlException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressGuardTest {

    private static AddressGuard.Resolver resolvingTo(String... addresses) {
        return host -> {
            InetAddress[] out = new InetAddress[addresses.length];
            for (int i = 0; i < addresses.length; i++) {
                out[i] = InetAddress.getByName(addresses[i]);
            }
            return out;
        };
    }

    @ParameterizedTest(name = "{0} is not public")
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
            "100.64.0.1", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:c0a8:0101::1", "224.0.0.1"})
    void private_loopback_link_local_and_embedded_private_addresses_are_not_public(String address) throws UnknownHostException {
        assertThat(AddressGuard.nonPublicKind(InetAddress.getByName(address))).isPresent();
    }

    @ParameterizedTest(name = "{0} is public")
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "172.32.0.1"})
    void ordinary_internet_addresses_are_public(String address) throws UnknownHostException {
        assertThat(AddressGuard.nonPublicKind(InetAddress.getByName(address))).isEmpty();
    }

    @Test
    void a_host_with_one_private_address_among_public_ones_is_refused() {
        var guard = new AddressGuard(false, Set.of(), resolvingTo("93.184.216.34", "10.0.0.7"));

        assertThatThrownBy(() -> guard.check(URI.create("https://cdn.example.com/a.png"), "media URL"))
                .isInstanceOf(UnsafeUrlException.class)
                .hasMessageContaining("host 'cdn.example.com'").hasMessageContaining("a private address 10.0.0.7")
                .hasMessageContaining("allowPrivateAddresses");
    }

    @Test
    void a_public_host_is_allowed_and_private_ones_only_when_configured() {
        assertThatCode(() -> new AddressGuard(false, Set.of(), resolvingTo("93.184.216.34"))
                .check(URI.create("https://cdn.example.com/a.png"), "media URL")).doesNotThrowAnyException();
        assertThatCode(() -> new AddressGuard(true, Set.of(), resolvingTo("127.0.0.1"))
                .check(URI.create("http://localhost:8188/view"), "media URL")).doesNotThrowAnyException();
    }

    @Test
    void schemes_other_than_http_and_hosts_outside_the_allow_list_are_refused_even_with_private_addresses_allowed() {
        var guard = new AddressGuard(true, Set.of("cdn.example.com"), resolvingTo("93.184.216.34"));

        assertThatThrownBy(() -> guard.check(URI.create("file:///etc/passwd"), "media URL"))
                .hasMessageContaining("scheme 'file'");
        assertThatThrownBy(() -> guard.check(URI.create("https://other.example.com/a.png"), "media URL"))
                .hasMessageContaining("not in allowedMediaHosts");
        assertThatCode(() -> guard.check(URI.create("https://CDN.example.com/a.png"), "media URL")).doesNotThrowAnyException();
    }

    @Test
    void a_host_that_does_not_resolve_is_refused() {
        var guard = new AddressGuard(false, Set.of(), host -> {
            throw new UnknownHostException(host);
        });

        assertThatThrownBy(() -> guard.check(URI.create("https://nowhere.invalid/a.png"), "media URL"))
                .isInstanceOf(UnsafeUrlException.class).hasMessageContaining("does not resolve");
    }
}
