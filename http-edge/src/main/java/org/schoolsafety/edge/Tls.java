package org.schoolsafety.edge;

import com.typesafe.config.Config;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/** HTTPS from a configured keystore ({@code hub.http.tls}); see docs/SECURITY.md. */
final class Tls {

  private Tls() {}

  static Optional<HttpsConnectionContext> fromConfig(Config config) {
    Config tls = config.getConfig("hub.http.tls");
    if (!tls.getBoolean("enabled")) {
      return Optional.empty();
    }
    Path keystore = Path.of(tls.getString("keystore"));
    char[] password = tls.getString("keystore-password").toCharArray();
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance(tls.getString("keystore-type"));
      store.load(in, password);
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return Optional.of(ConnectionContext.httpsServer(context));
    } catch (Exception e) {
      throw new IllegalArgumentException("hub.http.tls: cannot load keystore " + keystore + ": " + e.getMessage(), e);
    }
  }
}
