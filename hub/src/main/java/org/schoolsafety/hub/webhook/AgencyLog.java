package org.schoolsafety.hub.webhook;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.schoolsafety.hub.agency.Agency;

/**
 * Reads an agency's own journal (in the node: the Cassandra read journal by persistence id), so
 * that webhook deliveries are derived from the agency's events and never from asking the agency.
 */
public interface AgencyLog {

  /** An agency event at its journal position, with when it was written. */
  record Entry(long seq, Instant at, Agency.Event event) {}

  /** At most {@code max} events after {@code afterSeq}, in order. */
  CompletionStage<List<Entry>> after(String agencyId, long afterSeq, int max);

  /** The position of the agency's newest event (0 if none): where a first webhook starts. */
  CompletionStage<Long> position(String agencyId);
}
