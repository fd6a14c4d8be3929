package org.schoolsafety.hub.incident;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.agency.AgencyProfile;

/** One agency's part in an incident's response. */
public record Dispatch(
    AgencyProfile agency,
    DispatchState state,
    Instant notifiedAt,
    Instant deadline,
    Instant ackAt,
    String ackNote)
    implements CborSerializable {

  static Dispatch notify(AgencyProfile agency, Instant at, Instant deadline) {
    return new Dispatch(agency, DispatchState.NOTIFIED, at, deadline, null, null);
  }

  public String agencyId() {
    return agency.agencyId();
  }

  Dispatch acknowledged(Instant at, String note) {
    return new Dispatch(agency, DispatchState.ACKNOWLEDGED, notifiedAt, deadline, at, note);
  }

  Dispatch withState(DispatchState next) {
    return new Dispatch(agency, next, notifiedAt, deadline, ackAt, ackNote);
  }
}
