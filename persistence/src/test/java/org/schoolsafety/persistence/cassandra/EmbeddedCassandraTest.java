package org.schoolsafety.persistence.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * The embedded launcher against a real Cassandra (the one shared node of this test JVM) and its failure
 * modes. The failure tests start no Cassandra at all: a port taken, a classpath without Cassandra, a stub
 * "Cassandra" that never opens CQL.
 */
@ExtendWith(SharedCassandra.class)
class EmbeddedCassandraTest {

  @TempDir Path tmp;

  @Test
  void sharedNodeAnswersCql(EmbeddedCassandra node) throws IOException {
    assertThat(node.isRunning()).isTrue();
    assertThat(node.contactPoint()).isEqualTo("127.0.0.1:" + SharedCassandra.port());
    assertThat(Files.readString(node.dataDir().resolve("cassandra.pid")).trim())
        .isEqualTo(String.valueOf(node.pid().orElseThrow()));
    assertThat(node.dataDir().resolve("conf/cassandra.yaml"))
        .content().contains("cluster_name: school-safety-hub", "native_transport_port: " + node.port());

    try (CqlSession session = session(node.contactPoint())) {
      Row version = session.execute("SELECT release_version FROM system.local").one();
      assertThat(version.getString("release_version")).startsWith("5.0");

      session.execute("CREATE KEYSPACE IF NOT EXISTS launcher_test WITH replication ="
          + " {'class': 'SimpleStrategy', 'replication_factor': 1}");
      session.execute("CREATE TABLE IF NOT EXISTS launcher_test.reports (id uuid PRIMARY KEY, school text, level int)");
      UUID id = UUID.randomUUID();
      session.execute(session.prepare("INSERT INTO launcher_test.reports (id, school, level) VALUES (?, ?, ?)")
          .bind(id, "No. 3 Primary School", 2));

      Row row = session.execute(session.prepare("SELECT school, level FROM launcher_test.reports WHERE id = ?")
          .bind(id)).one();
      assertThat(row).isNotNull();
      assertThat(row.getString("school")).isEqualTo("No. 3 Primary School");
      assertThat(row.getInt("level")).isEqualTo(2);
    }
  }

  @Test
  void takenCqlPortFailsFastNamingThePort() throws IOException {
    int[] ports = SharedCassandra.freePorts();
    try (ServerSocket squatter = bindLoopback()) {
      EmbeddedCassandra cassandra = new EmbeddedCassandra(settings(squatter.getLocalPort(), ports[1]));

      assertThatThrownBy(cassandra::start)
          .isInstanceOf(CassandraStartException.class)
          .hasMessageContaining("CQL port " + squatter.getLocalPort())
          .hasMessageContaining("already in use")
          .hasMessageContaining("--cassandra-port");
      assertThat(cassandra.isRunning()).isFalse();
      assertThat(tmp.resolve("data/cassandra.pid")).doesNotExist();
    }
  }

  @Test
  void takenStoragePortFailsFastNamingThePort() throws IOException {
    int[] ports = SharedCassandra.freePorts();
    try (ServerSocket squatter = bindLoopback()) {
      EmbeddedCassandra cassandra = new EmbeddedCassandra(settings(ports[0], squatter.getLocalPort()));

      assertThatThrownBy(cassandra::start)
          .isInstanceOf(CassandraStartException.class)
          .hasMessageContaining("storage (internode) port " + squatter.getLocalPort())
          .hasMessageContaining("hub.cassandra.storage-port");
      assertThat(cassandra.isRunning()).isFalse();
    }
  }

  @Test
  void nodeThatCannotStartFailsWithTheLogTail() throws IOException {
    Path notCassandra = Files.createDirectories(tmp.resolve("empty-classpath"));
    EmbeddedCassandra cassandra = new EmbeddedCassandra(settings(SharedCassandra.freePorts())
        .withClasspathFile(classpathFile(notCassandra))
        .withStartupTimeout(Duration.ofSeconds(30)));

    assertThatThrownBy(cassandra::start)
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("exited during startup with exit code 2")
        .hasMessageContaining("Log file: " + cassandra.logFile())
        .hasMessageContaining("cannot load org.apache.cassandra.service.CassandraDaemon");
    assertThat(cassandra.isRunning()).isFalse();
    assertThat(cassandra.dataDir().resolve("cassandra.pid")).doesNotExist();
  }

  @Test
  void missingClasspathFileSaysHowToBuildIt() {
    EmbeddedCassandra cassandra = new EmbeddedCassandra(settings(SharedCassandra.freePorts())
        .withClasspathFile(tmp.resolve("nowhere/cassandra.classpath")));

    assertThatThrownBy(cassandra::start)
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("Cassandra classpath file not found")
        .hasMessageContaining("mvn -B -DskipTests package");
  }

  /**
   * A leftover node of an earlier run (pid file + live CassandraNodeMain) is stopped first; a node that
   * never answers CQL is stopped after the startup timeout, and the error carries its log tail.
   */
  @Test
  void leftoverNodeIsStoppedAndSilentNodeTimesOutWithTheLogTail() throws Exception {
    Path stubCassandra = compileStubCassandra();
    EmbeddedCassandra cassandra = new EmbeddedCassandra(settings(SharedCassandra.freePorts())
        .withClasspathFile(classpathFile(stubCassandra))
        .withStartupTimeout(Duration.ofSeconds(3)));
    Process leftover = startNodeMain(stubCassandra);
    Files.createDirectories(cassandra.dataDir());
    Files.writeString(cassandra.dataDir().resolve("cassandra.pid"), leftover.pid() + "\n");

    assertThatThrownBy(cassandra::start)
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("did not answer CQL on " + cassandra.contactPoint())
        .hasMessageContaining("hub.cassandra.startup-timeout")
        .hasMessageContaining("stub Cassandra is up and will never open CQL");

    assertThat(leftover.waitFor(30, TimeUnit.SECONDS)).as("leftover node stopped").isTrue();
    assertThat(cassandra.isRunning()).isFalse();
    assertThat(cassandra.dataDir().resolve("cassandra.pid")).doesNotExist();
  }

  /** What happens to the child when its parent dies, even by SIGKILL: the kernel closes its stdin. */
  @Test
  void nodeMainExitsWhenItsStdinCloses() throws Exception {
    Process child = startNodeMain(compileStubCassandra());
    try {
      child.getOutputStream().close();

      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
      assertThat(child.exitValue()).isZero();
      assertThat(tmp.resolve("node-main.log")).content().contains("stdin closed (parent stopping us, or gone)");
    } finally {
      child.destroyForcibly();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private EmbeddedCassandra.Settings settings(int... ports) {
    return EmbeddedCassandra.Settings.defaults()
        .withDataDir(tmp.resolve("data"))
        .withPort(ports[0])
        .withStoragePort(ports[1])
        .withHeap("256m");
  }

  private static ServerSocket bindLoopback() throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    return socket;
  }

  private Path classpathFile(Path entry) throws IOException {
    return Files.writeString(tmp.resolve("test-" + UUID.randomUUID() + ".classpath"), entry.toAbsolutePath() + "\n");
  }

  /** A fake org.apache.cassandra.service.CassandraDaemon that starts, says so and never opens CQL. */
  private Path compileStubCassandra() throws IOException {
    Path src = tmp.resolve("stub-src/org/apache/cassandra/service/CassandraDaemon.java");
    Path out = Files.createDirectories(tmp.resolve("stub-classes"));
    Files.createDirectories(src.getParent());
    Files.writeString(src, String.join("\n",
        "package org.apache.cassandra.service;",
        "public class CassandraDaemon {",
        "  public static void main(String[] args) throws InterruptedException {",
        "    System.out.println(\"stub Cassandra is up and will never open CQL\");",
        "    new java.util.concurrent.CountDownLatch(1).await();",
        "  }",
        "}"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK with javac").isNotNull();
    assertThat(javac.run(null, null, null, "-d", out.toString(), src.toString())).isZero();
    return out;
  }

  private Process startNodeMain(Path stubClasses) throws IOException {
    Path launcher = tmp.resolve("launcher");
    EmbeddedCassandra.writeLauncherClass(launcher);
    return new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", launcher + java.io.File.pathSeparator + stubClasses,
            CassandraNodeMain.class.getName()))
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve("node-main.log").toFile())
        .start();
  }

  private static CqlSession session(String contactPoint) {
    OptionsMap options = OptionsMap.driverDefaults();
    options.put(TypedDriverOption.CONTACT_POINTS, List.of(contactPoint));
    options.put(TypedDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, "datacenter1");
    options.put(TypedDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30));
    options.put(TypedDriverOption.HEARTBEAT_INTERVAL, EmbeddedCassandra.CLIENT_HEARTBEAT);
    return CqlSession.builder().withConfigLoader(DriverConfigLoader.fromMap(options)).build();
  }
}
