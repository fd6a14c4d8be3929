package org.schoolsafety.hub.hazard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.hazard.HazardEvent.*;
import org.schoolsafety.hub.incident.TimelineEntry;

/**
 * A hazard as its events left it. {@code hazard} is null until opened; {@code chain} (education
 * agencies covering the school, county first) null until looked up; {@code escalatedTo} the index
 * in the chain of the highest tier told the hazard is overdue (-1: none yet), and
 * {@code nextEscalationAt} when the tier above is told if the hazard is still not rectified.
 */
public record HazardState(
    String hazardId,
    NewHazard hazard,
    HazardStatus status,
    Instant recordedAt,
    List<AgencyProfile> chain,
    Map<String, Notified> notified,
    int escalatedTo,
    Instant nextEscalationAt,
    Instant overdueAt,
    Instant rectifiedAt,
    String rectificationNote,
    Instant verifiedAt,
    List<TimelineEntry> timeline)
    implements CborSerializable {

  /** An agency told about the hazard: why (MAJOR or OVERDUE) and when. */
  public record Notified(AgencyProfile agency, String reason, Instant at) implements CborSerializable {}

  public static HazardState empty(String hazardId) {
    return new HazardState(hazardId, null, null, null, null, Map.of(), -1, null, null, null, null, null, List.of());
  }

  public boolean isOpened() {
    return hazard != null;
  }

  public Instant deadline() {
    return hazard.plan().deadline();
  }

  /** The chain must be looked up: a major hazard is told at once, an overdue one escalated. */
  public boolean needsChain() {
    return isOpened() && chain == null && !status.isClosed()
        && (hazard.severity() == Severity.MAJOR || status == HazardStatus.OVERDUE);
  }

  /** When the timer must fire next: the deadline while open, the next escalation while overdue. */
  public Optional<Instant> nextDeadline() {
    if (!isOpened()) {
      return Optional.empty();
    }
    if (status == HazardStatus.OPEN) {
      return Optional.of(deadline());
    }
    if (status == HazardStatus.OVERDUE && chain != null && escalatedTo + 1 < chain.size() && nextEscalationAt != null) {
      return Optional.of(nextEscalationAt);
    }
    return Optional.empty();
  }

  /** The notice an agency, or the school ({@code notified} null), keeps about the hazard. */
  public HazardNotice notice(Notified notified) {
    return new HazardNotice(hazardId, hazard.schoolId(), hazard.schoolName(), hazard.region().value(),
        hazard.category(), hazard.severity(), status, deadline(), recordedAt, rectifiedAt,
        notified == null ? null : notified.reason(), notified == null ? null : notified.at());
  }

  public HazardState apply(HazardEvent event) {
    HazardState next = fold(event);
    var entries = new ArrayList<>(timeline);
    entries.add(new TimelineEntry(event.at(), HazardEvent.nameOf(event), event.by(), detail(event)));
    return new HazardState(next.hazardId, next.hazard, next.status, next.recordedAt, next.chain, next.notified,
        next.escalatedTo, next.nextEscalationAt, next.overdueAt, next.rectifiedAt, next.rectificationNote,
        next.verifiedAt, List.copyOf(entries));
  }

  private HazardState fold(HazardEvent event) {
    if (event instanceof Opened e) {
      return new HazardState(hazardId, e.hazard(), HazardStatus.OPEN, e.at(), chain, notified,
          escalatedTo, nextEscalationAt, overdueAt, rectifiedAt, rectificationNote, verifiedAt, timeline);
    } else if (event instanceof ChainResolved e) {
      return new HazardState(hazardId, hazard, status, recordedAt, List.copyOf(e.chain()), notified,
          escalatedTo, nextEscalationAt, overdueAt, rectifiedAt, rectificationNote, verifiedAt, timeline);
    } else if (event instanceof AgencyNotified e) {
      var told = new LinkedHashMap<>(notified);
      told.put(e.agency().agencyId(), new Notified(e.agency(), e.reason(), e.at()));
      int index = chain == null ? -1 : chain.indexOf(e.agency());
      boolean overdue = e.reason().equals("OVERDUE");
      return new HazardState(hazardId, hazard, status, recordedAt, chain, Map.copyOf(told),
          overdue ? Math.max(escalatedTo, index) : escalatedTo,
          overdue ? e.nextEscalationAt() : nextEscalationAt, overdueAt, rectifiedAt, rectificationNote,
          verifiedAt, timeline);
    } else if (event instanceof WentOverdue e) {
      return new HazardState(hazardId, hazard, HazardStatus.OVERDUE, recordedAt, chain, notified,
          escalatedTo, nextEscalationAt, e.at(), rectifiedAt, rectificationNote, verifiedAt, timeline);
    } else if (event instanceof Rectified e) {
      return new HazardState(hazardId, hazard, HazardStatus.RECTIFIED, recordedAt, chain, notified,
          escalatedTo, nextEscalationAt, overdueAt, e.at(), e.note(), verifiedAt, timeline);
    } else if (event instanceof Verified e) {
      return new HazardState(hazardId, hazard, HazardStatus.VERIFIED, recordedAt, chain, notified,
          escalatedTo, nextEscalationAt, overdueAt, rectifiedAt, rectificationNote, e.at(), timeline);
    } else if (event instanceof RectificationRejected e) {
      return new HazardState(hazardId, hazard, HazardStatus.OPEN, recordedAt, chain,
          notified, escalatedTo, nextEscalationAt, overdueAt, null, rectificationNote, verifiedAt, timeline);
    }
    throw new IllegalArgumentException("unknown hazard event " + event.getClass());
  }

  private static String detail(HazardEvent event) {
    if (event instanceof Opened e) {
      return e.hazard().severity() + " " + e.hazard().category() + " at " + e.hazard().location();
    } else if (event instanceof ChainResolved e) {
      return e.chain().isEmpty() ? "no education agency covers the school"
          : "education agencies: " + e.chain().stream().map(AgencyProfile::agencyId).toList();
    } else if (event instanceof AgencyNotified e) {
      return e.reason() + ": " + e.agency().agencyId();
    } else if (event instanceof WentOverdue) {
      return "rectification deadline passed";
    } else if (event instanceof Rectified e) {
      return e.note();
    } else if (event instanceof Verified e) {
      return e.note();
    } else if (event instanceof RectificationRejected e) {
      return e.reason();
    }
    return null;
  }
}
