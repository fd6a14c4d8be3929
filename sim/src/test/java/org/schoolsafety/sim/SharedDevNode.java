package org.schoolsafety.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One dev node shared by the end-to-end classes of a test run (history, prevention, drill, bench): a dev
 * node's start (embedded Cassandra, schema, demo data) is the largest fixed cost of the sim suite,
 * and these classes only need a node with the demo loaded, not a fresh one each. Classes ask for
 * it as a {@link Handle} parameter of their {@code @BeforeAll}; JUnit closes it once the whole run
 * is over, and the close checks that the node and its Cassandra are gone.
 *
 * <p>Each class works on data of its own (its own drill id, clientRefs, bench schools, the history's
 * past month), so what an earlier class left behind cannot change what a later one asserts. The
 * classes run in the order of their {@code @Order} (junit-platform.properties): history first
 * (it reads last month back), prevention next, since it compares the demo records before and
 * after a restart; bench last, since it loads the node hardest.
 */
final class SharedDevNode implements ParameterResolver {

  /**
   * The options every user of the shared node needs: the prevention drill sees an overdue hazard
   * escalate to the next tier every 10 s instead of every day.
   */
  static final List<String> NODE_OPTIONS = List.of("-Dhub.hazard.escalation-interval=10s");

  /**
   * A short demo history (the month before this one and this one so far), which the node loads
   * through its API before it is ready, as {@code bin/hub dev} loads six months: the history
   * test reads it back, and the other classes work on a node that has a past, as users do.
   */
  static final String HISTORY_SCENARIO = """
      {"name": "history-one-month", "kind": "history", "description": "a short history for the tests",
       "regions": ["11", "65"], "months": 1, "seed": 7, "concurrency": 8}
      """;

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Handle.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(Namespace.create(SharedDevNode.class))
        .getOrComputeIfAbsent(Handle.class, key -> Handle.start(), Handle.class);
  }

  /** The shared node; {@link #restart()} replaces it with a node on the same data. */
  static final class Handle implements ExtensionContext.Store.CloseableResource {
    private final Path work;
    private final List<String> options;
    private DevNode node;

    private Handle(Path work, List<String> options, DevNode node) {
      this.work = work;
      this.options = options;
      this.node = node;
    }

    private static Handle start() {
      Path work = Path.of(System.getProperty("sim.work", "target")).resolve("e2e-shared-" + System.currentTimeMillis());
      try {
        Files.createDirectories(work);
        Path scenario = Files.writeString(work.resolve("history-one-month.json"), HISTORY_SCENARIO);
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var options = new ArrayList<>(NODE_OPTIONS);
        options.addAll(List.of("-Dhub.dev.history.classpath=" + classpath, "-Dhub.dev.history.scenario=" + scenario));
        return new Handle(work, List.copyOf(options), DevNode.startReady(work, Duration.ofMinutes(8), options));
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the shared dev node", e);
      }
    }

    /** The history scenario the node loaded on its first start. */
    Path historyScenario() {
      return work.resolve("history-one-month.json");
    }

    DevNode node() {
      return node;
    }

    /** A directory for a class's own files (reports, bench output). */
    Path work(String name) {
      return work.resolve(name);
    }

    /** Stops the node and starts another on the same data directory, as an operator's restart. */
    DevNode restart() throws IOException {
      Path data = node.dataDir;
      node.close();
      node = DevNode.start(data, options); // the history is loaded once: its marker file is there
      node.awaitReady(Duration.ofMinutes(5));
      return node;
    }

    @Override
    public void close() {
      List<ProcessHandle> tree = node.processTree();
      node.close();
      assertThat(tree).as("the dev node and its Cassandra are gone").noneMatch(ProcessHandle::isAlive);
    }
  }
}
