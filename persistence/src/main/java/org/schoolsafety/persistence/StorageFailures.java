package org.schoolsafety.persistence;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;

/**
 * Which failures of a Cassandra query mean "storage did not answer now" (so the request may be
 * retried) rather than a fault of the request or of the hub: the driver's own timeout, no node
 * reachable, a replica timeout or too few replicas, an overloaded node.
 */
public final class StorageFailures {

  private StorageFailures() {}

  public static boolean isStorageUnavailable(Throwable failure) {
    return failure instanceof DriverTimeoutException
        || failure instanceof AllNodesFailedException
        || failure instanceof QueryConsistencyException
        || failure instanceof UnavailableException
        || failure instanceof OverloadedException;
  }
}
