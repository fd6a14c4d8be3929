package org.schoolsafety.edge.webhook;

import com.typesafe.config.Config;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the hub may POST notices (server-side request forgery is the risk: a webhook URL that
 * points into the hub's own network or at a cloud metadata service). A URL must be absolute
 * {@code https} (plain {@code http} only with {@code hub.webhooks.allow-http}), without user
 * info or fragment, and <em>every</em> address its host resolves to must be public: loopback,
 * link-local, private (RFC 1918, unique-local IPv6), shared (100.64/10), unspecified, multicast,
 * documentation and benchmarking ranges are refused unless a range in
 * {@code hub.webhooks.allowed-networks} contains the address; cloud metadata addresses are
 * refused always. The check runs at registration and again before every delivery attempt
 * (a name may resolve elsewhere later).
 */
public final class WebhookAddresses {

  /** Metadata services of the clouds, refused even inside an allowed network. */
  static final List<String> METADATA = List.of("169.254.169.254", "169.254.170.2", "100.100.100.200",
      "fd00:ec2::254", "192.0.0.192");

  private static final List<Cidr> REFUSED = List.of(
      Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"), Cidr.parse("127.0.0.0/8"),
      Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.0.0.0/24"),
      Cidr.parse("192.0.2.0/24"), Cidr.parse("192.168.0.0/16"), Cidr.parse("198.18.0.0/15"),
      Cidr.parse("198.51.100.0/24"), Cidr.parse("203.0.113.0/24"), Cidr.parse("224.0.0.0/4"),
      Cidr.parse("240.0.0.0/4"), Cidr.parse("::/128"), Cidr.parse("::1/128"), Cidr.parse("::ffff:0:0/96"),
      Cidr.parse("64:ff9b::/96"), Cidr.parse("100::/64"), Cidr.parse("2001:db8::/32"), Cidr.parse("fc00::/7"),
      Cidr.parse("fe80::/10"), Cidr.parse("ff00::/8"));

  /** Resolves a host name; a seam so tests can stand in for DNS. */
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  public static final int MAX_URL = 2000;

  private final boolean allowHttp;
  private final List<Cidr> allowed;
  private final Resolver resolver;

  public WebhookAddresses(boolean allowHttp, List<String> allowedNetworks, Resolver resolver) {
    this.allowHttp = allowHttp;
    this.allowed = allowedNetworks.stream().map(Cidr::parse).toList();
    this.resolver = resolver;
  }

  public static WebhookAddresses fromConfig(Config config) {
    return new WebhookAddresses(config.getBoolean("hub.webhooks.allow-http"),
        config.getStringList("hub.webhooks.allowed-networks"), InetAddress::getAllByName);
  }

  /** The URL's form alone (no DNS): the reason it is refused, if it is. */
  public Optional<String> refuseForm(String url) {
    if (url == null || url.isBlank()) {
      return Optional.of("is required");
    }
    if (url.length() > MAX_URL) {
      return Optional.of("must be at most " + MAX_URL + " characters");
    }
    if (!url.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return Optional.of("must be ASCII without spaces (punycode for international domain names,"
          + " percent-encoding elsewhere)");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null || uri.getHost().isEmpty()) {
      return Optional.of("must be an absolute https URL with a host");
    }
    if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
      return Optional.of(allowHttp ? "must use https or http" : "must use https (plain http is not allowed)");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of("must not carry user info");
    }
    if (uri.getRawFragment() != null) {
      return Optional.of("must not have a fragment");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      return Optional.of("has an invalid port");
    }
    return Optional.empty();
  }

  /** The URL's form and every address its host resolves to (blocking: DNS): the reason it is refused, if it is. */
  public Optional<String> refuse(String url) {
    Optional<String> form = refuseForm(url);
    if (form.isPresent()) {
      return form;
    }
    String host = URI.create(url).getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      return Optional.of("has a host that does not resolve");
    }
    if (addresses.length == 0) {
      return Optional.of("has a host that does not resolve");
    }
    for (InetAddress address : addresses) {
      Optional<String> refused = refuseAddress(address);
      if (refused.isPresent()) {
        return refused;
      }
    }
    return Optional.empty();
  }

  Optional<String> refuseAddress(InetAddress address) {
    String text = address.getHostAddress();
    for (String metadata : METADATA) {
      try {
        if (InetAddress.getByName(metadata).equals(address)) {
          return Optional.of("resolves to a cloud metadata address (" + text + ")");
        }
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    if (allowed.stream().anyMatch(c -> c.contains(address))) {
      return Optional.empty();
    }
    if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()
        || REFUSED.stream().anyMatch(c -> c.contains(address))) {
      return Optional.of("resolves to a loopback, link-local, private or reserved address (" + text
          + ") that hub.webhooks.allowed-networks does not allow");
    }
    return Optional.empty();
  }

  /** A network as address/prefix length, IPv4 or IPv6. */
  record Cidr(byte[] network, int bits) {

    static Cidr parse(String text) {
      String[] parts = text.trim().split("/");
      try {
        byte[] network = InetAddress.getByName(parts[0]).getAddress();
        if (parts[0].contains(":") && network.length == 4) {
          // ::ffff:0:0 is parsed by the JDK as an IPv4 address; keep the IPv6 form for its prefix
          byte[] mapped = new byte[16];
          mapped[10] = (byte) 0xff;
          mapped[11] = (byte) 0xff;
          System.arraycopy(network, 0, mapped, 12, 4);
          network = mapped;
        }
        int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : network.length * 8;
        if (bits < 0 || bits > network.length * 8) {
          throw new IllegalArgumentException("bad prefix length in " + text);
        }
        return new Cidr(network, bits);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("not a network (address/bits): " + text, e);
      }
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (address instanceof Inet4Address && network.length == 16) {
        return false;
      }
      if (address instanceof Inet6Address && network.length == 4) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((a[i / 8] & mask) != (network[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  /** For log lines and docs. */
  @Override
  public String toString() {
    List<String> nets = new ArrayList<>();
    allowed.forEach(c -> nets.add(c.toString()));
    return "WebhookAddresses[allowHttp=" + allowHttp + ", allowed=" + nets.size() + "]";
  }
}
