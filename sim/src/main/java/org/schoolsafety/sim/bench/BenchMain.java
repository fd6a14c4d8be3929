package org.schoolsafety.sim.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import org.schoolsafety.sim.bench.storage.CassandraNode;

/**
 * {@code bin/hub bench <workload>}: load the hub (a black-box HTTP client, like the drills) or its
 * Cassandra node, print a table of the figures and, with {@code --out}, write them as JSON.
 * Exit status: 0 the benchmark ran (its errors are among its figures), 1 it could not run (hub or
 * storage unreachable, setup refused), 2 bad usage, 3 a surge lost reports.
 */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static String wrap(String text, int width) {
    var b = new StringBuilder();
    int line = 0;
    for (String word : text.split(" ")) {
      if (line > 0 && line + 1 + word.length() > width) {
        b.append("\n  ");
        line = 2;
      } else if (line > 0) {
        b.append(' ');
        line++;
      }
      b.append(word);
      line += word.length();
    }
    return b.toString();
  }

  /** The command without exiting: returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.HelpRequested help) {
      if (help.workload != null) {
        out.println(wrap("hub bench " + help.workload.label() + ": " + help.workload.what(), 100) + "\n");
      }
      out.println(BenchOptions.USAGE);
      return 0;
    } catch (BenchOptions.UsageError e) {
      err.println("hub bench: " + e.getMessage());
      err.println("(hub bench --help shows the workloads and options)");
      return 2;
    }
    try {
      BenchResult result = switch (options.workload()) {
        case REPORTS -> ReportsBench.run(options, err);
        case STREAMS -> StreamsBench.run(options, err);
        case SURGE -> SurgeBench.run(options, err);
        case BASELINE -> BaselineBench.run(options, err);
        case SCHOOLS -> SchoolsBench.run(options, err);
        case SENSORS -> SensorsBench.run(options, err);
      };
      out.print(result.table());
      if (options.out() != null) {
        if (options.out().toAbsolutePath().getParent() != null) {
          Files.createDirectories(options.out().toAbsolutePath().getParent());
        }
        Files.writeString(options.out(), result.jsonText());
        out.println("wrote " + options.out());
      }
      Object lost = result.json().get("lost");
      return lost instanceof Number n && n.longValue() > 0 ? 3 : 0;
    } catch (BenchFailed | CassandraNode.StorageUnavailable | IllegalArgumentException e) {
      err.println("hub bench: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("hub bench: cannot write " + options.out() + ": " + e.getMessage());
      return 1;
    }
  }
}
