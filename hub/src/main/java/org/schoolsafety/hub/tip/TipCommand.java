package org.schoolsafety.hub.tip;

import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;

/**
 * What can be asked of a tip. The tipster's commands carry the hash of the follow-up code they
 * presented; a wrong one is refused exactly like a tip that does not exist.
 */
public sealed interface TipCommand extends CborSerializable {

  /** Record a new tip with the hash of its follow-up code. */
  record Submit(NewTip tip, String codeHash, ActorRef<StatusReply<TipState>> replyTo) implements TipCommand {}

  /** Staff and agencies (the edge has checked who may). */
  record Get(ActorRef<StatusReply<TipState>> replyTo) implements TipCommand {}

  /** The tipster reads the tip with their code. */
  record ReadAsTipster(String codeHash, ActorRef<StatusReply<TipState>> replyTo) implements TipCommand {}

  /** The tipster writes more with their code. */
  record WriteAsTipster(String codeHash, String text, ActorRef<StatusReply<TipState>> replyTo)
      implements TipCommand {}

  /** The school or its education agency sets priority and status, with a note (internal unless toTipster). */
  record Triage(TipPriority priority, TipStatus status, String note, boolean toTipster, String by,
      ActorRef<StatusReply<TipState>> replyTo) implements TipCommand {}

  /** Link the incident the tip was reported as; the same again is a no-op, another one a conflict. */
  record LinkIncident(String incidentId, String by, ActorRef<StatusReply<TipState>> replyTo) implements TipCommand {}

  /** Link the hazard the tip was recorded as; the same again is a no-op, another one a conflict. */
  record LinkHazard(String hazardId, String by, ActorRef<StatusReply<TipState>> replyTo) implements TipCommand {}

  /** A told agency acknowledges; repeating it is a no-op. */
  record Acknowledge(String agencyId, String by, ActorRef<StatusReply<TipState>> replyTo) implements TipCommand {}

  // --- sent by the tip to itself (not part of the API) ----------------------------------

  record ChainsFound(Map<AgencyKind, List<AgencyProfile>> chains) implements TipCommand {}

  record ChainsUnavailable(String reason) implements TipCommand {}

  enum CheckDeadline implements TipCommand {
    INSTANCE
  }

  record NoticeSettled(String target, boolean delivered) implements TipCommand {}

  enum Redeliver implements TipCommand {
    INSTANCE
  }

  enum Passivate implements TipCommand {
    INSTANCE
  }
}
