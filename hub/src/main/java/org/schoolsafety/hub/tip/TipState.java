package org.schoolsafety.hub.tip;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.incident.TimelineEntry;
import org.schoolsafety.hub.tip.TipEvent.*;

/**
 * A tip as its events left it. {@code tip} is null until submitted; {@code chains} (agencies per
 * kind covering the school, county first) null until looked up; {@code notified} the agencies
 * told, by id. {@code codeHash} never leaves the hub: views are built from the other fields.
 */
public record TipState(
    String tipId,
    NewTip tip,
    String codeHash,
    TipPriority priority,
    TipStatus status,
    Instant receivedAt,
    Instant deadline,
    Instant triagedAt,
    Instant overdueAt,
    Map<AgencyKind, List<AgencyProfile>> chains,
    Map<String, Notified> notified,
    List<TipMessage> messages,
    List<TimelineEntry> timeline,
    String incidentId,
    String hazardId)
    implements CborSerializable {

  /** Before it is linked to a hazard. */
  public TipState(String tipId, NewTip tip, String codeHash, TipPriority priority, TipStatus status,
      Instant receivedAt, Instant deadline, Instant triagedAt, Instant overdueAt,
      Map<AgencyKind, List<AgencyProfile>> chains, Map<String, Notified> notified, List<TipMessage> messages,
      List<TimelineEntry> timeline, String incidentId) {
    this(tipId, tip, codeHash, priority, status, receivedAt, deadline, triagedAt, overdueAt, chains, notified,
        messages, timeline, incidentId, null);
  }

  /** Before it is linked to an incident or a hazard (and in the fold, which {@link #apply} completes). */
  public TipState(String tipId, NewTip tip, String codeHash, TipPriority priority, TipStatus status,
      Instant receivedAt, Instant deadline, Instant triagedAt, Instant overdueAt,
      Map<AgencyKind, List<AgencyProfile>> chains, Map<String, Notified> notified, List<TipMessage> messages,
      List<TimelineEntry> timeline) {
    this(tipId, tip, codeHash, priority, status, receivedAt, deadline, triagedAt, overdueAt, chains, notified,
        messages, timeline, null);
  }

  /** An agency told about the tip: why, when, by when it must acknowledge, and when it did. */
  public record Notified(AgencyProfile agency, String reason, Instant at, Instant ackDeadline, Instant ackAt)
      implements CborSerializable {}

  public static TipState empty(String tipId) {
    return new TipState(tipId, null, null, null, null, null, null, null, null, null, Map.of(), List.of(), List.of());
  }

  public boolean isSubmitted() {
    return tip != null;
  }

  public boolean needsChains() {
    return isSubmitted() && chains == null && !status.isClosed();
  }

  public List<AgencyProfile> chain(AgencyKind kind) {
    return chains == null ? List.of() : chains.getOrDefault(kind, List.of());
  }

  /** The messages the tipster sees: their own and the notes addressed to them. */
  public List<TipMessage> tipsterMessages() {
    return messages.stream().filter(TipMessage::forTipster).toList();
  }

  public Instant lastMessageAt() {
    return messages.isEmpty() ? null : messages.get(messages.size() - 1).at();
  }

  /** The highest tier told of {@code kind}, if none of that kind acknowledged yet; else empty. */
  public Optional<Notified> awaitingAck(AgencyKind kind) {
    var chain = chain(kind);
    Notified top = null;
    for (Notified n : notified.values()) {
      if (n.agency().kind() != kind) {
        continue;
      }
      if (n.ackAt() != null) {
        return Optional.empty();
      }
      if (top == null || chain.indexOf(n.agency()) > chain.indexOf(top.agency())) {
        top = n;
      }
    }
    return Optional.ofNullable(top);
  }

  /** Whether a tier above {@code n} can still be told about the tip. */
  public boolean canEscalate(Notified n) {
    var chain = chain(n.agency().kind());
    int index = chain.indexOf(n.agency());
    return index >= 0 && index + 1 < chain.size();
  }

  /** Whether escalation of {@code kind} still matters: education only while nobody triaged the tip. */
  public boolean escalates(AgencyKind kind) {
    return !status.isClosed() && (kind != AgencyKind.EDUCATION || status == TipStatus.NEW);
  }

  /** When the timer must fire next: the response deadline while NEW, and pending acknowledgements. */
  public Optional<Instant> nextDeadline() {
    if (!isSubmitted() || status.isClosed()) {
      return Optional.empty();
    }
    var candidates = new ArrayList<Instant>();
    if (status == TipStatus.NEW && overdueAt == null) {
      candidates.add(deadline);
    }
    if (chains != null) {
      for (AgencyKind kind : AgencyKind.values()) {
        awaitingAck(kind).filter(n -> escalates(kind) && canEscalate(n)).ifPresent(n -> candidates.add(n.ackDeadline()));
      }
    }
    return candidates.stream().min(Comparator.naturalOrder());
  }

  /** The notice the school's list ({@code notified} null) or a told agency keeps about the tip. */
  public TipNotice notice(Notified notified) {
    return new TipNotice(tipId, tip.schoolId(), tip.schoolName(), tip.region().value(), tip.category(), priority,
        status, receivedAt, deadline, triagedAt, overdueAt != null, lastMessageAt(),
        notified == null ? null : notified.reason(), notified == null ? null : notified.at(),
        notified == null ? null : notified.ackDeadline(), notified == null ? null : notified.ackAt());
  }

  public TipState apply(TipEvent event) {
    TipState next = fold(event);
    var entries = new ArrayList<>(timeline);
    entries.add(new TimelineEntry(event.at(), nameOf(event), event.by(), detail(event)));
    // The fold builds every state but the links; the links are carried over here.
    String linked = event instanceof IncidentLinked l ? l.incidentId() : incidentId;
    String hazard = event instanceof HazardLinked h ? h.hazardId() : hazardId;
    return new TipState(tipId, next.tip, next.codeHash, next.priority, next.status, next.receivedAt, next.deadline,
        next.triagedAt, next.overdueAt, next.chains, next.notified, next.messages, List.copyOf(entries), linked,
        hazard);
  }

  private TipState fold(TipEvent event) {
    if (event instanceof Submitted e) {
      return new TipState(tipId, e.tip(), e.codeHash(), e.priority(), TipStatus.NEW, e.at(), e.deadline(), null,
          null, chains, notified, List.of(new TipMessage(e.at(), TipMessage.TIPSTER, e.tip().text(), true, e.by())),
          timeline);
    } else if (event instanceof TipsterWrote e) {
      return withMessage(new TipMessage(e.at(), TipMessage.TIPSTER, e.text(), true, e.by()));
    } else if (event instanceof Triaged e) {
      var triaged = new TipState(tipId, tip, codeHash, e.priority(), e.status(), receivedAt, e.deadline(),
          triagedAt == null && e.status() != TipStatus.NEW ? e.at() : triagedAt, overdueAt, chains, notified,
          messages, timeline);
      return e.note() == null ? triaged
          : triaged.withMessage(new TipMessage(e.at(), TipMessage.STAFF, e.note(), e.toTipster(), e.by()));
    } else if (event instanceof ChainsResolved e) {
      return new TipState(tipId, tip, codeHash, priority, status, receivedAt, deadline, triagedAt, overdueAt,
          Map.copyOf(e.chains()), notified, messages, timeline);
    } else if (event instanceof WentOverdue e) {
      return new TipState(tipId, tip, codeHash, priority, status, receivedAt, deadline, triagedAt, e.at(),
          chains, notified, messages, timeline);
    } else if (event instanceof IncidentLinked || event instanceof HazardLinked) {
      return this;
    } else if (event instanceof AgencyNotified e) {
      var told = new LinkedHashMap<>(notified);
      told.put(e.agency().agencyId(), new Notified(e.agency(), e.reason(), e.at(), e.ackDeadline(), null));
      return withNotified(told);
    } else if (event instanceof AgencyAcknowledged e) {
      var told = new LinkedHashMap<>(notified);
      Notified n = told.get(e.agencyId());
      told.put(e.agencyId(), new Notified(n.agency(), n.reason(), n.at(), n.ackDeadline(), e.at()));
      return withNotified(told);
    }
    throw new IllegalArgumentException("unknown tip event " + event.getClass());
  }

  private TipState withMessage(TipMessage message) {
    var all = new ArrayList<>(messages);
    all.add(message);
    return new TipState(tipId, tip, codeHash, priority, status, receivedAt, deadline, triagedAt, overdueAt, chains,
        notified, List.copyOf(all), timeline);
  }

  private TipState withNotified(Map<String, Notified> told) {
    return new TipState(tipId, tip, codeHash, priority, status, receivedAt, deadline, triagedAt, overdueAt, chains,
        Map.copyOf(told), messages, timeline);
  }

  static String nameOf(TipEvent event) {
    if (event instanceof Submitted) {
      return "submitted";
    } else if (event instanceof TipsterWrote) {
      return "tipster-wrote";
    } else if (event instanceof Triaged) {
      return "triaged";
    } else if (event instanceof ChainsResolved) {
      return "chains-resolved";
    } else if (event instanceof WentOverdue) {
      return "overdue";
    } else if (event instanceof AgencyNotified n) {
      return n.reason().equals("ESCALATED") ? "escalated" : "notified";
    } else if (event instanceof AgencyAcknowledged) {
      return "acknowledged";
    } else if (event instanceof IncidentLinked) {
      return "incident-linked";
    } else if (event instanceof HazardLinked) {
      return "hazard-linked";
    }
    throw new IllegalArgumentException("unknown tip event " + event.getClass());
  }

  private static String detail(TipEvent event) {
    if (event instanceof Submitted e) {
      return e.tip().category() + ", priority " + e.priority();
    } else if (event instanceof Triaged e) {
      return e.priority() + " " + e.status() + (e.note() == null ? "" : e.toTipster() ? ", note to the tipster" : ", internal note");
    } else if (event instanceof AgencyNotified e) {
      return e.reason() + ": " + e.agency().agencyId();
    } else if (event instanceof AgencyAcknowledged e) {
      return e.agencyId();
    } else if (event instanceof IncidentLinked e) {
      return e.incidentId();
    } else if (event instanceof HazardLinked e) {
      return e.hazardId();
    } else if (event instanceof WentOverdue) {
      return "response deadline passed without triage";
    }
    return null;
  }
}
