package org.schoolsafety.dev;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.edge.auth.TokenIssuer;

/**
 * {@code bin/hub token --role ROLE --subject ID [--data DIR] [--ttl 1h]}: prints, alone on
 * stdout, a token that the dev node started on the same data directory accepts.
 */
public final class TokenCli {

  private static final String USAGE =
      "usage: hub token --role SCHOOL_STAFF|SENSOR_GATEWAY|AGENCY|COMMAND_CENTER|OPERATOR"
          + " --subject ID [--data DIR] [--ttl 1h]\n"
          + "  prints a token that the dev node started on DIR (./data) accepts, signed with DIR/auth/dev-secret;\n"
          + "  ID: a school id (SCHOOL_STAFF, SENSOR_GATEWAY), an agency id, a region prefix (COMMAND_CENTER) or a name;\n"
          + "  --ttl at most hub.auth.max-ttl (24h)";

  private static final java.util.Set<String> OPTIONS = java.util.Set.of("--role", "--subject", "--data", "--ttl");

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** The command without exiting: returns the exit status (0, or 2 for bad usage). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.println(USAGE);
      return 0;
    }
    try {
      Map<String, String> options = parse(args);
      Role role = role(required(options, "--role"));
      Principal principal = new Principal(role, required(options, "--subject"));
      Duration ttl = ConfigFactory.parseString("ttl = " + options.getOrDefault("--ttl", "1h")).getDuration("ttl");
      Config config = ConfigFactory.load();
      if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(config.getDuration("hub.auth.max-ttl")) > 0) {
        throw new IllegalArgumentException("--ttl must be positive and at most hub.auth.max-ttl ("
            + config.getDuration("hub.auth.max-ttl").toHours() + "h)");
      }
      Path data = Path.of(options.getOrDefault("--data", "./data")).toAbsolutePath().normalize();
      byte[] secret = DevSecret.readOrCreate(DevSecret.fileIn(data));
      var issuer = new TokenIssuer(secret, config.getString("hub.auth.issuer"), config.getString("hub.auth.audience"));
      out.println(issuer.issue(principal, ttl));
      return 0;
    } catch (RuntimeException e) {
      err.println("hub token: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!OPTIONS.contains(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException((OPTIONS.contains(args[i]) ? args[i] + " needs a value"
            : args[i].equals("--help") || args[i].equals("-h") ? "--help goes alone"
            : "unexpected argument: " + args[i]));
      }
      options.put(args[i], args[++i]);
    }
    return options;
  }

  private static Role role(String name) {
    try {
      return Role.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown role '" + name + "'");
    }
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    return value;
  }

  private TokenCli() {}
}
