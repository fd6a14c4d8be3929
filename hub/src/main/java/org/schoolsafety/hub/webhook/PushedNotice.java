package org.schoolsafety.hub.webhook;

import java.time.Instant;
import java.util.Optional;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.DeviceNotice;
import org.schoolsafety.hub.agency.DispatchNotice;
import org.schoolsafety.hub.directive.DirectiveNotice;
import org.schoolsafety.hub.hazard.HazardNotice;
import org.schoolsafety.hub.prevention.WarningNotice;
import org.schoolsafety.hub.tip.TipNotice;

/**
 * One change of an agency's inbox, as it is pushed to the agency's webhooks: the agency journal's
 * event at {@code seq} (its position, which also makes the idempotency id), about {@code subject}
 * (the incident, tip, hazard, directive-and-school, device or warning it concerns: notices of one subject
 * are delivered in order). Exactly one of the notice fields is set, as {@code kind} says.
 */
public record PushedNotice(
    long seq,
    Kind kind,
    String subject,
    Instant at,
    DispatchNotice dispatch,
    TipNotice tip,
    HazardNotice hazard,
    DirectiveNotice directive,
    DeviceNotice device,
    WarningNotice warning)
    implements CborSerializable {

  public enum Kind {
    DISPATCH,
    TIP,
    HAZARD,
    DIRECTIVE,
    DEVICE,
    WARNING
  }

  /** The idempotency id: the same for every attempt and every redelivery of this notice. */
  public String noticeId(String agencyId) {
    return "ntc-" + agencyId + "-" + seq;
  }

  /** The notice an agency event gives, if it is one that is pushed (not the agency's registration). */
  public static Optional<PushedNotice> of(long seq, Instant at, Agency.Event event) {
    if (event instanceof Agency.DispatchTracked e) {
      return Optional.of(new PushedNotice(seq, Kind.DISPATCH, e.notice().incidentId(), at, e.notice(),
          null, null, null, null, null));
    }
    if (event instanceof Agency.TipTracked e) {
      return Optional.of(new PushedNotice(seq, Kind.TIP, e.notice().tipId(), at, null, e.notice(), null, null, null,
          null));
    }
    if (event instanceof Agency.HazardTracked e) {
      return Optional.of(new PushedNotice(seq, Kind.HAZARD, e.notice().hazardId(), at, null, null, e.notice(),
          null, null, null));
    }
    if (event instanceof Agency.DirectiveNoted e) {
      return Optional.of(new PushedNotice(seq, Kind.DIRECTIVE, e.notice().key(), at, null, null, null, e.notice(),
          null, null));
    }
    if (event instanceof Agency.DeviceNoticeTracked e) {
      return Optional.of(new PushedNotice(seq, Kind.DEVICE, e.notice().key(), at, null, null, null, null,
          e.notice(), null));
    }
    if (event instanceof Agency.WarningTracked e) {
      return Optional.of(new PushedNotice(seq, Kind.WARNING, e.notice().warningId(), at, null, null, null, null, null,
          e.notice()));
    }
    return Optional.empty();
  }
}
