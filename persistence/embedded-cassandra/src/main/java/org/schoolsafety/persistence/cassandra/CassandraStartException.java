package org.schoolsafety.persistence.cassandra;

/**
 * The embedded Cassandra node could not be started. The message says what went wrong and what to do
 * about it (which port is taken, where the log file is, the last lines of that log).
 */
public final class CassandraStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CassandraStartException(String message) {
    super(message);
  }

  public CassandraStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
