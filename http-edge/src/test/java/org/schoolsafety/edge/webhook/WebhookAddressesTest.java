package org.schoolsafety.edge.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.schoolsafety.hub.secret.ServerKey;

/** The SSRF policy of webhook URLs, with a stand-in DNS: the addresses a name resolves to decide. */
class WebhookAddressesTest {

  /** Names and what they resolve to; a name may resolve to a public and a private address at once. */
  static final Map<String, List<String>> DNS = Map.of(
      "dispatch.example.cn", List.of("203.0.114.10"),
      "rebind.example.cn", List.of("203.0.114.11", "10.1.2.3"),
      "metadata.example.cn", List.of("169.254.169.254"),
      "aliyun-metadata.example.cn", List.of("100.100.100.200"),
      "ec2-v6.example.cn", List.of("fd00:ec2::254"),
      "localhost", List.of("127.0.0.1", "::1"));

  static InetAddress[] resolve(String host) throws UnknownHostException {
    List<String> addresses = DNS.get(host);
    if (addresses == null) {
      if (host.matches("[0-9.]+") || host.contains(":")) {
        return new InetAddress[] {InetAddress.getByName(host)};
      }
      throw new UnknownHostException(host);
    }
    InetAddress[] out = new InetAddress[addresses.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = InetAddress.getByName(addresses.get(i));
    }
    return out;
  }

  private final WebhookAddresses strict = new WebhookAddresses(false, List.of(), WebhookAddressesTest::resolve);
  private final WebhookAddresses loopbackAllowed =
      new WebhookAddresses(true, List.of("127.0.0.0/8", "::1/128", "169.254.0.0/16"), WebhookAddressesTest::resolve);

  @Test
  void aPublicHttpsUrlPasses() {
    assertThat(strict.refuse("https://dispatch.example.cn/hooks/110?x=1")).isEmpty();
    assertThat(strict.refuse("https://203.0.114.10:8443/hooks")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://127.0.0.1/h", "https://localhost/h", "https://[::1]/h", "https://0.0.0.0/h", "https://10.0.0.1/h",
      "https://172.16.5.4/h", "https://192.168.1.1/h", "https://169.254.169.254/latest/meta-data/",
      "https://[fd00:ec2::254]/h", "https://[fe80::1]/h", "https://100.64.0.1/h", "https://100.100.100.200/h",
      "https://metadata.example.cn/h", "https://aliyun-metadata.example.cn/h", "https://ec2-v6.example.cn/h",
      "https://rebind.example.cn/h", "https://[::ffff:127.0.0.1]/h", "https://224.0.0.1/h", "https://2130706433/h",
      "https://0x7f000001/h", "https://017700000001/h"})
  void internalAndMetadataAddressesAreRefused(String url) {
    assertThat(strict.refuse(url)).as(url).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://dispatch.example.cn/h", "ftp://dispatch.example.cn/h", "file:///etc/passwd",
      "gopher://dispatch.example.cn/", "https://user:pw@dispatch.example.cn/h", "https://dispatch.example.cn/h#x",
      "/relative/path", "https:///nohost", "https://dispatch.example.cn:0/h", "not a url", "",
      "https://unknown.example.cn/h", "javascript:alert(1)"})
  void badFormsAndUnknownHostsAreRefused(String url) {
    assertThat(strict.refuse(url)).as(url).isPresent();
  }

  @Test
  void configuredNetworksAndHttpAreAdmittedButMetadataNever() {
    assertThat(loopbackAllowed.refuse("http://127.0.0.1:9/h")).isEmpty();
    assertThat(loopbackAllowed.refuse("http://localhost:9/h")).isEmpty();
    assertThat(loopbackAllowed.refuse("https://169.254.169.254/latest/meta-data/")).get().asString()
        .contains("metadata");
    assertThat(loopbackAllowed.refuse("https://10.0.0.1/h")).isPresent();
  }

  @Test
  void aSealedSecretOpensOnlyWithTheSameServerKey() {
    var secrets = new WebhookSecrets(ServerKey.of(new byte[32]));
    String sealed = secrets.seal("the-secret-of-fire-650102");
    assertThat(sealed).doesNotContain("the-secret");
    assertThat(secrets.open(sealed)).isEqualTo("the-secret-of-fire-650102");
    byte[] other = new byte[32];
    other[0] = 1;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WebhookSecrets(ServerKey.of(other)).open(sealed))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theSignatureIsHmacSha256OfTimestampDotBody() {
    // echo -n '1764489600.{"a":1}' | openssl dgst -sha256 -hmac 'whsec-test-0123456789'
    assertThat(Signatures.sign("whsec-test-0123456789", 1764489600L, "{\"a\":1}".getBytes()))
        .isEqualTo("sha256=77b301096ac8a751f993471e620117d351d641b3f26f18af593600fd51a5cf73");
  }
}
