package io.ailake.events.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SSRF guard, with a resolver of its own: names that resolve to private addresses are refused. */
class WebhookAddressesTest {

  private static final Map<String, List<String>> NAMES = Map.of(
      "hooks.example.com", List.of("93.184.216.34"),
      "internal.example.com", List.of("10.0.0.5"),
      "mixed.example.com", List.of("93.184.216.34", "192.168.1.20"),
      "localhost", List.of("127.0.0.1", "::1"),
      "metadata.example.com", List.of("169.254.169.254"),
      "v6.example.com", List.of("2606:2800:220:1:248:1893:25c8:1946"));

  private final WebhookAddresses guard = new WebhookAddresses(WebhookAddressesTest::resolve, List.of("127.0.0.1/32"));

  private static List<InetAddress> resolve(String host) throws UnknownHostException {
    List<String> addresses = NAMES.get(host);
    if (addresses == null) {
      if (host.matches("[0-9.]+") || host.contains(":")) {
        return List.of(InetAddress.getByName(host));
      }
      throw new UnknownHostException(host);
    }
    return Arrays.asList(addresses.stream().map(a -> {
      try {
        return InetAddress.getByName(a);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }).toArray(InetAddress[]::new));
  }

  @Test
  void aNameThatResolvesToAPrivateAddressIsRefusedNamingTheAddress() {
    assertThatThrownBy(() -> guard.check("https://internal.example.com/hook"))
        .isInstanceOf(WebhookAddresses.RefusedUrlException.class).hasMessageContaining("10.0.0.5");
    assertThatThrownBy(() -> guard.check("https://metadata.example.com/latest/meta-data"))
        .hasMessageContaining("169.254.169.254");
  }

  @Test
  void everyAddressOfANameMustBeReachableNotJustTheFirst() {
    assertThatThrownBy(() -> guard.check("https://mixed.example.com/hook")).hasMessageContaining("192.168.1.20");
    // localhost: 127.0.0.1 is allowed here, its IPv6 loopback is not
    assertThatThrownBy(() -> guard.check("http://localhost:8080/hook")).hasMessageContaining("0:0:0:0:0:0:0:1");
  }

  @Test
  void privateLoopbackLinkLocalAndReservedLiteralsAreRefused() {
    for (String url : List.of("http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", "http://172.16.3.4/",
        "http://192.168.0.1/", "http://100.64.0.1/", "http://127.0.0.2/", "http://0.0.0.0/", "http://224.0.0.1/",
        "http://255.255.255.255/", "http://[::1]/", "http://[::]/", "http://[fe80::1]/", "http://[fd00::1]/",
        "http://[ff02::1]/", "http://[::ffff:10.0.0.1]/", "http://[64:ff9b::a00:1]/", "http://[2002:a00:1::1]/",
        "http://[::10.0.0.1]/")) {
      assertThatThrownBy(() -> guard.check(url)).as(url).isInstanceOf(WebhookAddresses.RefusedUrlException.class)
          .hasMessageContaining("may not reach");
    }
  }

  @Test
  void publicAddressesAndAllowedNetworksPass() {
    WebhookAddresses.Target target = guard.check("https://hooks.example.com/ailake?x=1");
    assertThat(target.address().getHostAddress()).isEqualTo("93.184.216.34");
    assertThat(target.host()).isEqualTo("hooks.example.com");
    assertThat(target.port()).isEqualTo(443);
    assertThat(target.https()).isTrue();
    assertThat(target.pathAndQuery()).isEqualTo("/ailake?x=1");
    assertThat(guard.check("http://v6.example.com/").address().getHostAddress()).startsWith("2606:2800");
    assertThat(guard.check("http://127.0.0.1:9000/hook").port()).isEqualTo(9000);
    assertThat(guard.check("http://[64:ff9b::5db8:d822]/").address()).isNotNull(); // NAT64 of a public address
    // without the allowance, loopback is refused too
    assertThatThrownBy(() -> new WebhookAddresses(WebhookAddressesTest::resolve, List.of()).check("http://127.0.0.1/"))
        .hasMessageContaining("127.0.0.1");
  }

  @Test
  void onlyHttpAndHttpsUrlsWithAHostAndNoCredentials() {
    for (String url : List.of("ftp://hooks.example.com/", "file:///etc/passwd", "gopher://hooks.example.com/",
        "hooks.example.com/hook", "http:///nohost", "https://user:pw@hooks.example.com/", "", "http://no.such.name/",
        "http://exa mple.com/")) {
      assertThatThrownBy(() -> guard.check(url)).as(url).isInstanceOf(WebhookAddresses.RefusedUrlException.class);
    }
  }

  @Test
  void allowedNetworksMustBeCidrsNotNames() {
    assertThatThrownBy(() -> new WebhookAddresses(WebhookAddressesTest::resolve, List.of("intranet.local/8")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WebhookAddresses(WebhookAddressesTest::resolve, List.of("10.0.0.0/33")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new WebhookAddresses(WebhookAddressesTest::resolve, List.of("10.0.0.0/8"))
        .check("https://internal.example.com/").address().getHostAddress()).isEqualTo("10.0.0.5");
  }
}
