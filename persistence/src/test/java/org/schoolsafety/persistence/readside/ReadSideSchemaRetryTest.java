package org.schoolsafety.persistence.readside;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Which failures of a schema statement are sent again when a node creates its read side. */
class ReadSideSchemaRetryTest {

  @Test
  void theMomentsFailuresAreSentAgain() {
    var cassandra = new InetSocketAddress("127.0.0.1", 9042);
    // CI, 2026-12-02: a heartbeat Cassandra did not answer within 5 s closed the connection under a
    // CREATE TABLE, and the test class's node failed to start
    assertThat(ReadSideSchema.isTransient(new ExecutionException(new HeartbeatException(cassandra,
        "Heartbeat request: timed out after 5000 ms", new DriverTimeoutException("5000 ms"))))).isTrue();
    assertThat(ReadSideSchema.isTransient(new ExecutionException(new DriverTimeoutException("2 s")))).isTrue();
    assertThat(ReadSideSchema.isTransient(new ExecutionException(new NoNodeAvailableException()))).isTrue();
  }

  @Test
  void whatCassandraRefusesAsAStatementIsNot() {
    assertThat(ReadSideSchema.isTransient(new ExecutionException(
        new InvalidQueryException(null, "Invalid column name drill_id because it conflicts with an existing column"))))
        .isFalse();
    assertThat(ReadSideSchema.isTransient(new ExecutionException(new SyntaxError(null, "line 1:0 no viable alternative"))))
        .isFalse();
  }
}
