package org.schoolsafety.dev;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs a command line in-process and keeps what it printed, for the CLIs' tests. */
public final class CliTesting {

  /** The exit status and what went to stdout and stderr. */
  public record Outcome(int status, String out, String err) {}

  /** A CLI's {@code run(args, out, err)}. */
  @FunctionalInterface
  public interface Command {
    int run(PrintStream out, PrintStream err) throws Exception;
  }

  public static Outcome run(Command command) throws Exception {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    try (var o = new PrintStream(out, true, StandardCharsets.UTF_8);
         var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      int status = command.run(o, e);
      return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }

  private CliTesting() {}
}
