package org.schoolsafety.hub.tip;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/**
 * One message of a tip's conversation. {@code from} is {@code TIPSTER} (then {@code by} is
 * "tipster": nothing more is known) or {@code STAFF} (a triage note; {@code by} the principal).
 * A staff note reaches the tipster only when {@code toTipster}; otherwise it is internal.
 */
public record TipMessage(Instant at, String from, String text, boolean toTipster, String by)
    implements CborSerializable {

  public static final String TIPSTER = "TIPSTER";
  public static final String STAFF = "STAFF";

  /** Shown to the tipster: their own messages and the notes addressed to them. */
  public boolean forTipster() {
    return from.equals(TIPSTER) || toTipster;
  }
}
