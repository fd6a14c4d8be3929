package org.schoolsafety.hub.incident;

import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.directory.AgencyDirectory;

/** What can be asked of an incident. {@code by} names who asks, for the timeline and audit. */
public sealed interface IncidentCommand extends CborSerializable {

  /** Raise the incident. A retry with the same content answers with the incident as it is. */
  record Report(NewIncident incident, String by, ActorRef<StatusReply<Accepted>> replyTo)
      implements IncidentCommand {}

  /**
   * Import a closed incident from a previous system (issue 18), with the escalation chains of the
   * kinds it names (most specific agency first, as the directory answers). Persisted as the
   * ordinary events at their historical times; nothing is dispatched or told live. A retry with
   * the same content answers with the incident as it is.
   */
  record Import(
      IncidentImport record,
      Map<AgencyKind, List<AgencyProfile>> chains,
      String by,
      ActorRef<StatusReply<Accepted>> replyTo)
      implements IncidentCommand {}

  /** Answer to {@link Report}: {@code replayed} when the report was a retry. */
  record Accepted(IncidentState incident, boolean replayed) implements CborSerializable {}

  /**
   * A continuation report, or the final report that resolves the incident. {@code mayLowerLevel}:
   * the sender has the authority to make the incident less severe (the leading command center).
   */
  record AddReport(
      IncidentReport report, String by, boolean mayLowerLevel, ActorRef<StatusReply<IncidentState>> replyTo)
      implements IncidentCommand {}

  /**
   * An agency's acknowledgement of its dispatch. {@code fromTheAgency}: the agency itself asks, and
   * it sees the incident only through a dispatch of its own, so without one the incident answers
   * as if it did not exist (not found) rather than that the agency was not dispatched (a conflict,
   * for those who may see the incident anyway). That lets the HTTP edge send the agency's
   * acknowledgement in one ask, without reading the incident first to decide what it may see.
   */
  record Acknowledge(
      String agencyId, String note, String by, boolean fromTheAgency, ActorRef<StatusReply<IncidentState>> replyTo)
      implements IncidentCommand {

    public Acknowledge(String agencyId, String note, String by, ActorRef<StatusReply<IncidentState>> replyTo) {
      this(agencyId, note, by, false, replyTo);
    }
  }

  record Close(String note, String by, ActorRef<StatusReply<IncidentState>> replyTo)
      implements IncidentCommand {}

  /** A false alarm: the incident ends and nothing further is dispatched. */
  record Cancel(String reason, String by, ActorRef<StatusReply<IncidentState>> replyTo)
      implements IncidentCommand {}

  record Get(ActorRef<StatusReply<IncidentState>> replyTo) implements IncidentCommand {}

  /**
   * Sent by the school: device alarms to attach to this device-raised incident. Evidence the
   * incident has already is ignored. An incident that is no longer active refuses it
   * ({@code accepted} false), telling how it ended, so that the school opens a new one.
   */
  record AddEvidence(List<Evidence> evidence, String by, ActorRef<StatusReply<EvidenceReply>> replyTo)
      implements IncidentCommand {}

  /** {@code falseAlarmDevices}: when cancelled as a false alarm, the devices that contributed. */
  record EvidenceReply(boolean accepted, Status status, List<String> falseAlarmDevices) implements CborSerializable {}

  /** Sent by the school: contributing devices passed the false-alarm bound (see {@link IncidentEvent.DevicesFlagged}). */
  record NoteFlaggedDevices(List<String> deviceIds, String detail, String by, ActorRef<StatusReply<Done>> replyTo)
      implements IncidentCommand {}

  // --- sent by the incident to itself ---------------------------------------------------

  /** The directory answered which agencies cover the kinds still to dispatch. */
  record ChainsFound(AgencyDirectory.Chains chains) implements IncidentCommand {}

  /** The directory could not be asked; try again later. */
  record ChainsUnavailable(String reason) implements IncidentCommand {}

  /** Retry finding agencies after {@link ChainsUnavailable}. */
  enum RetryDispatch implements IncidentCommand {
    INSTANCE
  }

  /** A deadline timer fired: escalate whatever is overdue. */
  enum CheckDeadlines implements IncidentCommand {
    INSTANCE
  }

  /** A notice to an agency or the school was delivered, or failed and is due again. */
  record NoticeSettled(String target, boolean delivered) implements IncidentCommand {}

  /** The province feed confirmed the batch in flight, or did not. */
  record FeedSettled(boolean delivered) implements IncidentCommand {}

  enum Redeliver implements IncidentCommand {
    INSTANCE
  }

  /** After recovery, the incident's turn to tell everyone everything again (see Courier). */
  enum ResendAll implements IncidentCommand {
    INSTANCE
  }

  /** Idle too long in a terminal state: hand the entity back to sharding. */
  enum Passivate implements IncidentCommand {
    INSTANCE
  }
}
