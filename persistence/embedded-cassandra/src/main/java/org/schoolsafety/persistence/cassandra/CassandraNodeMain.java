package org.schoolsafety.persistence.cassandra;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Main class of the child JVM that {@link EmbeddedCassandra} starts. It ties the life of the Cassandra
 * node to the life of its parent: the parent holds the write end of this process's stdin, and when the
 * parent dies for whatever reason (even SIGKILL) the kernel closes it, {@code System.in} hits EOF and
 * this process exits through {@link System#exit}, so that Cassandra's own shutdown hook drains the node.
 * ({@code Process.destroy()} in the parent closes that pipe as well as sending SIGTERM: both paths end in
 * the same orderly shutdown.)
 *
 * <p>Then it runs {@code org.apache.cassandra.service.CassandraDaemon.main} by reflection: this class must
 * compile and load without Cassandra, and it must stay self-contained (JDK classes only, no nested or
 * anonymous classes) because {@link EmbeddedCassandra} copies exactly this one class file onto the child's
 * classpath.
 */
public final class CassandraNodeMain {
  static final String DAEMON_CLASS = "org.apache.cassandra.service.CassandraDaemon";

  private CassandraNodeMain() {}

  public static void main(String[] args) throws Throwable {
    Thread watchdog = new Thread(CassandraNodeMain::exitWhenStdinCloses, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    Method daemonMain;
    try {
      daemonMain = Class.forName(DAEMON_CLASS).getMethod("main", String[].class);
    } catch (ClassNotFoundException | LinkageError e) {
      System.err.println("[CassandraNodeMain] cannot load " + DAEMON_CLASS + " (" + e
          + "): the classpath does not hold a usable Apache Cassandra. Rebuild it with"
          + " `mvn -B -DskipTests package` (module persistence/cassandra-node writes cassandra.classpath).");
      System.err.flush();
      System.exit(2);
      return;
    }
    try {
      daemonMain.invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void exitWhenStdinCloses() {
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // the parent never writes; anything it might send is ignored
      }
    } catch (IOException e) {
      // treat a broken stdin like EOF: the parent is gone
    }
    System.err.println("[CassandraNodeMain] stdin closed (parent stopping us, or gone): exiting, Cassandra drains");
    System.err.flush();
    System.exit(0);
  }
}
