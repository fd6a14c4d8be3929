package org.schoolsafety.dev;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.edge.auth.TokenIssuer;

/** Ready-to-use tokens for the demo data, so the dev node's first run needs no other step. */
final class DevTokens {

  static final Duration TTL = Duration.ofHours(12);

  /** Environment variable name → principal. */
  static final Map<String, Principal> DEMO = demo();

  private static Map<String, Principal> demo() {
    var principals = new LinkedHashMap<String, Principal>();
    principals.put("HUB_OPERATOR_TOKEN", new Principal(Role.OPERATOR, "demo-operator"));
    principals.put("HUB_SCHOOL_TOKEN", new Principal(Role.SCHOOL_STAFF, "sch-650102-001"));
    principals.put("HUB_SENSOR_TOKEN", new Principal(Role.SENSOR_GATEWAY, "sch-650102-001"));
    principals.put("HUB_FIRE_TOKEN", new Principal(Role.AGENCY, "fire-650102"));
    principals.put("HUB_HEALTH_TOKEN", new Principal(Role.AGENCY, "health-650102"));
    principals.put("HUB_EDU_TOKEN", new Principal(Role.AGENCY, "edu-650102"));
    principals.put("HUB_COMMAND_65_TOKEN", new Principal(Role.COMMAND_CENTER, "65"));
    principals.put("HUB_COMMAND_11_TOKEN", new Principal(Role.COMMAND_CENTER, "11"));
    return principals;
  }

  /** The token the banner puts in the console's URL: the command center of province 65. */
  static final String CONSOLE = "HUB_COMMAND_65_TOKEN";

  private DevTokens() {}

  /** The file written and the tokens in it (environment variable name → token). */
  record Written(Path file, Map<String, String> tokens) {}

  /** Writes {@code export NAME=token} lines to {@code file} (owner-only). */
  static Written write(Path file, byte[] secret, Config config) throws IOException {
    var issuer = new TokenIssuer(secret, config.getString("hub.auth.issuer"), config.getString("hub.auth.audience"));
    var tokens = new LinkedHashMap<String, String>();
    var lines = new StringBuilder("# Dev tokens for the demo data, valid " + TTL.toHours() + "h. Load with: source " + file + "\n");
    DEMO.forEach((name, principal) -> {
      tokens.put(name, issuer.issue(principal, TTL));
      lines.append("export ").append(name).append('=').append(tokens.get(name))
          .append("   # ").append(principal.id()).append('\n');
    });
    Files.createDirectories(file.getParent());
    Files.writeString(file, lines.toString());
    try {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    return new Written(file, Map.copyOf(tokens));
  }
}
