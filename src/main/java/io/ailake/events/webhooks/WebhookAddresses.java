package io.ailake.events.webhooks;

import io.ailake.AilakeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The guard against server-side request forgery: a webhook URL is http or https, and every address its host
 * resolves to is a public one, or in {@code ailake.webhooks.allowed-networks}. A delivery connects to the
 * address this guard checked (not to whatever the name resolves to a moment later), and checks each redirect
 * again.
 */
@ApplicationScoped
public class WebhookAddresses {

  /** Resolves a host name to its addresses: DNS, or a fixed table in a test. */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  /** A URL the guard refused; the message says why, naming the address. */
  public static class RefusedUrlException extends RuntimeException {
    RefusedUrlException(String message) {
      super(message);
    }
  }

  /** A checked URL: where to connect (a checked address) and what to ask for there. */
  public record Target(URI url, String host, int port, boolean https, InetAddress address) {
    /** The path and query to request. */
    public String pathAndQuery() {
      String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
      return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }
  }

  /** Address ranges no webhook may reach unless allowed: not the public internet, or not a single host. */
  static final List<Cidr> REFUSED = Cidr.all(
      "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
      "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
      "::/128", "::1/128", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8");
  /** IPv6 ranges that carry an IPv4 address in their last four bytes: that address is checked too. */
  // (Java reads IPv4-mapped IPv6 addresses, ::ffff:a.b.c.d, as the IPv4 address itself)
  private static final List<Cidr> EMBEDDING_IPV4 = Cidr.all("::/96", "64:ff9b::/96");
  private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
  static final int MAX_URL_LENGTH = 2048;

  private final Resolver resolver;
  private final List<Cidr> allowed;

  @Inject
  WebhookAddresses(AilakeConfig config) {
    this(host -> Arrays.asList(InetAddress.getAllByName(host)),
        config.webhooks().allowedNetworks().orElse(List.of()));
  }

  public WebhookAddresses(Resolver resolver, List<String> allowedNetworks) {
    this.resolver = resolver;
    this.allowed = allowedNetworks.stream().map(String::strip).filter(s -> !s.isEmpty()).map(Cidr::parse).toList();
  }

  /** Checks a URL as a client wrote it; refused unless it is http(s) and every address of its host may be reached. */
  public Target check(String url) {
    if (url == null || url.isBlank()) {
      throw new RefusedUrlException("url is required");
    }
    if (url.length() > MAX_URL_LENGTH) {
      throw new RefusedUrlException("url is longer than " + MAX_URL_LENGTH + " characters");
    }
    try {
      return check(new URI(url.strip()));
    } catch (URISyntaxException e) {
      throw new RefusedUrlException("url is not a valid URL: " + e.getMessage());
    }
  }

  /** Checks a URL: its scheme, and every address its host resolves to; the target holds the first of them. */
  public Target check(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new RefusedUrlException("A webhook URL is http or https, not '" + shorten(url.getScheme()) + "'");
    }
    if (url.getRawUserInfo() != null) {
      throw new RefusedUrlException("A webhook URL carries no user name or password");
    }
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      throw new RefusedUrlException("The webhook URL names no host: " + shorten(url.toString()));
    }
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(bare);
    } catch (UnknownHostException e) {
      throw new RefusedUrlException("The webhook URL's host " + shorten(bare) + " does not resolve");
    }
    if (addresses.isEmpty()) {
      throw new RefusedUrlException("The webhook URL's host " + shorten(bare) + " does not resolve");
    }
    for (InetAddress address : addresses) {
      if (!reachable(address)) {
        throw new RefusedUrlException("The webhook URL's host " + shorten(bare) + " resolves to "
            + address.getHostAddress() + ", a private, loopback, link-local or reserved address, which webhooks may"
            + " not reach (ailake.webhooks.allowed-networks lists the ones allowed)");
      }
    }
    boolean https = scheme.equals("https");
    int port = url.getPort() == -1 ? (https ? 443 : 80) : url.getPort();
    return new Target(url, bare, port, https, addresses.get(0));
  }

  /** Whether a webhook may reach this address: in an allowed network, or in none of the refused ranges. */
  boolean reachable(InetAddress address) {
    if (allowed.stream().anyMatch(network -> network.contains(address))) {
      return true;
    }
    if (REFUSED.stream().anyMatch(range -> range.contains(address))) {
      return false;
    }
    byte[] bytes = address.getAddress();
    if (bytes.length == 16 && (EMBEDDING_IPV4.stream().anyMatch(range -> range.contains(address)))) {
      return reachable(ipv4(Arrays.copyOfRange(bytes, 12, 16)));
    }
    if (bytes.length == 16 && SIX_TO_FOUR.contains(address)) {
      return reachable(ipv4(Arrays.copyOfRange(bytes, 2, 6)));
    }
    return true;
  }

  private static InetAddress ipv4(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static String shorten(String text) {
    return text == null ? "" : text.length() > 100 ? text.substring(0, 100) + "..." : text;
  }

  /** A network: an address and the number of leading bits that must match. */
  record Cidr(byte[] network, int bits) {

    static Cidr parse(String text) {
      int slash = text.indexOf('/');
      String host = slash < 0 ? text : text.substring(0, slash);
      if (!literal(host)) {
        throw new IllegalArgumentException("Not a network in CIDR form (10.0.0.0/8, fd00::/8): " + text);
      }
      try {
        InetAddress address = InetAddress.getByName(host);
        int max = address.getAddress().length * 8;
        int bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
        if (bits < 0 || bits > max) {
          throw new IllegalArgumentException("Not a network in CIDR form (10.0.0.0/8, fd00::/8): " + text);
        }
        return new Cidr(address.getAddress(), bits);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("Not a network in CIDR form (10.0.0.0/8, fd00::/8): " + text, e);
      }
    }

    static List<Cidr> all(String... texts) {
      return Arrays.stream(texts).map(Cidr::parse).toList();
    }

    boolean contains(InetAddress address) {
      byte[] bytes = address.getAddress();
      if (bytes.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < bits; bit += 8) {
        int mask = bits - bit >= 8 ? 0xff : (0xff << (8 - (bits - bit))) & 0xff;
        if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }

    // an IP literal, never a name to look up
    private static boolean literal(String text) {
      return text.contains(":") || text.matches("[0-9.]+");
    }
  }
}
