package org.schoolsafety.edge.auth;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Base64;
import org.schoolsafety.hub.secret.ServerKey;

/**
 * The node's server key ({@code hub.server-key}, base64, or {@code hub.server-key-file}): signs
 * list cursors and keys the derivation of incident ids. Every node of a cluster needs the same
 * one. Without either setting a node with an HS256 token secret (dev, tests, the local cluster)
 * derives it from that secret; a production node (JWKS only) must be given one.
 */
public final class ServerKeys {

  private ServerKeys() {}

  public static ServerKey fromConfig(Config config) {
    String inline = config.getString("hub.server-key").trim();
    String file = config.getString("hub.server-key-file").trim();
    byte[] secret;
    if (!inline.isEmpty()) {
      secret = Base64.getDecoder().decode(inline);
    } else if (!file.isEmpty()) {
      secret = SecretFile.read(Path.of(file));
    } else {
      byte[] tokenSecret = AuthSettings.fromConfig(config).hs256Secret();
      if (tokenSecret == null) {
        throw new IllegalArgumentException("hub.server-key (or hub.server-key-file) is required:"
            + " 32 random bytes, base64, the same on every node (see docs/DEPLOY.md)");
      }
      return ServerKey.of(tokenSecret).forPurpose("server-key-from-hs256");
    }
    if (secret.length < 32) {
      throw new IllegalArgumentException("hub.server-key must have at least 256 bits");
    }
    return ServerKey.of(secret);
  }
}
