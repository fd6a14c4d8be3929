package org.schoolsafety.hub.agency;

import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.prevention.WarningNotice;

/**
 * A change of one of an agency's dispatches, or ({@code warning} set, {@code notice} null) an early
 * warning addressed to it, at its position in the agency's journal.
 */
public record DispatchEntry(String agencyId, long seq, DispatchNotice notice, WarningNotice warning)
    implements CborSerializable {

  public DispatchEntry(String agencyId, long seq, DispatchNotice notice) {
    this(agencyId, seq, notice, null);
  }

  /** An early warning addressed to the agency (issue 15), at its journal position. */
  public static DispatchEntry ofWarning(String agencyId, long seq, WarningNotice warning) {
    return new DispatchEntry(agencyId, seq, null, warning);
  }

  public boolean isWarning() {
    return warning != null;
  }
}
