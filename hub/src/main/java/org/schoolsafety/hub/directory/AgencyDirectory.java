package org.schoolsafety.hub.directory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.JournalFailures;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.region.RegionCode;

/**
 * Which agency answers for which jurisdiction, one entity per province (entity id = the
 * 2-digit province code). Every candidate for a school's region lives in its province, so one
 * ask finds the whole escalation chain: county, then city, then province.
 */
public final class AgencyDirectory
    extends EventSourcedBehaviorWithEnforcedReplies<
        AgencyDirectory.Command, AgencyDirectory.Event, AgencyDirectory.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "AgencyDirectory");

  // --- commands -------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /** Claim the slot (kind, jurisdiction) for an agency; idempotent for the same agency. */
  public record Enlist(AgencyProfile agency, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /** The escalation chain per kind for a school region, most specific tier first. */
  public record FindChains(
      RegionCode region, Set<AgencyKind> kinds, ActorRef<StatusReply<Chains>> replyTo)
      implements Command {}

  public record Chains(Map<AgencyKind, List<AgencyProfile>> byKind) implements CborSerializable {
    public List<AgencyProfile> of(AgencyKind kind) {
      return byKind.getOrDefault(kind, List.of());
    }
  }

  // --- events ---------------------------------------------------------------------------

  public sealed interface Event extends CborSerializable {}

  public record AgencyEnlisted(AgencyProfile agency) implements Event {}

  // --- state ----------------------------------------------------------------------------

  /** Agencies by slot ("FIRE/650102"). */
  public record State(Map<String, AgencyProfile> bySlot) implements CborSerializable {
    static State empty() {
      return new State(Map.of());
    }

    State with(AgencyProfile agency) {
      var next = new HashMap<>(bySlot);
      next.put(agency.slot(), agency);
      return new State(Map.copyOf(next));
    }

    /** The agencies of {@code kind} that cover {@code region}, county first, then city, then province. */
    public List<AgencyProfile> chain(RegionCode region, AgencyKind kind) {
      var chain = new ArrayList<AgencyProfile>();
      for (Tier tier : Tier.values()) {
        var agency = bySlot.get(kind + "/" + region.value().substring(0, tier.prefixLength()));
        if (agency != null) {
          chain.add(agency);
        }
      }
      return List.copyOf(chain);
    }

    AgencyProfile holderOf(String agencyId) {
      return bySlot.values().stream()
          .filter(a -> a.agencyId().equals(agencyId))
          .findFirst()
          .orElse(null);
    }
  }

  // --- wiring ---------------------------------------------------------------------------

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String provinceCode) {
    return new AgencyDirectory(provinceCode);
  }

  private AgencyDirectory(String provinceCode) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), provinceCode), JournalFailures.restartWithBackoff());
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Enlist.class, this::onEnlist)
        .onCommand(FindChains.class, this::onFindChains)
        .build();
  }

  private ReplyEffect<Event, State> onEnlist(State state, Enlist cmd) {
    AgencyProfile agency = cmd.agency();
    AgencyProfile incumbent = state.bySlot().get(agency.slot());
    if (incumbent != null && !incumbent.agencyId().equals(agency.agencyId())) {
      return Effect()
          .reply(
              cmd.replyTo(),
              StatusReply.error(
                  new Rejection.Conflict(
                      "agency '"
                          + incumbent.agencyId()
                          + "' already answers for "
                          + agency.kind()
                          + " in jurisdiction "
                          + agency.jurisdiction())));
    }
    AgencyProfile previous = state.holderOf(agency.agencyId());
    if (previous != null && !previous.slot().equals(agency.slot())) {
      return Effect()
          .reply(
              cmd.replyTo(),
              StatusReply.error(
                  new Rejection.Conflict(
                      "agency '"
                          + agency.agencyId()
                          + "' is already enlisted as "
                          + previous.slot())));
    }
    if (agency.equals(incumbent)) {
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(new AgencyEnlisted(agency))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onFindChains(State state, FindChains cmd) {
    var byKind = new EnumMap<AgencyKind, List<AgencyProfile>>(AgencyKind.class);
    for (AgencyKind kind : cmd.kinds()) {
      byKind.put(kind, state.chain(cmd.region(), kind));
    }
    return Effect().reply(cmd.replyTo(), StatusReply.success(new Chains(Map.copyOf(byKind))));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(AgencyEnlisted.class, (state, evt) -> state.with(evt.agency()))
        .build();
  }
}
