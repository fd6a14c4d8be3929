package org.schoolsafety.hub.hazard;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.agency.AgencyProfile;

/** What can be asked of a hazard. {@code by} names who asks, for the timeline. */
public sealed interface HazardCommand extends CborSerializable {

  /** Record the hazard; the same hazard again answers with it as it is (retries are safe). */
  record Open(NewHazard hazard, String by, ActorRef<StatusReply<HazardState>> replyTo) implements HazardCommand {}

  /** The school reports the work done. */
  record Rectify(String note, String by, ActorRef<StatusReply<HazardState>> replyTo) implements HazardCommand {}

  /** The county education agency accepts the rectification, or rejects it with a reason. */
  record Verify(boolean accepted, String note, String by, ActorRef<StatusReply<HazardState>> replyTo)
      implements HazardCommand {}

  record Get(ActorRef<StatusReply<HazardState>> replyTo) implements HazardCommand {}

  // --- sent by the hazard to itself (package-private in spirit: not part of the API) -----

  /** The directory answered with the education agencies covering the school, county first. */
  record ChainFound(List<AgencyProfile> chain) implements HazardCommand {}

  record ChainUnavailable(String reason) implements HazardCommand {}

  enum CheckDeadline implements HazardCommand {
    INSTANCE
  }

  record NoticeSettled(String target, boolean delivered) implements HazardCommand {}

  enum Redeliver implements HazardCommand {
    INSTANCE
  }

  enum Passivate implements HazardCommand {
    INSTANCE
  }
}
