package org.schoolsafety.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.HubMetrics;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.incident.Dispatch;
import org.schoolsafety.hub.incident.DispatchState;
import org.schoolsafety.hub.incident.Incident;
import org.schoolsafety.hub.incident.IncidentCommand;
import org.schoolsafety.hub.incident.IncidentEvent;
import org.schoolsafety.hub.incident.IncidentReport;
import org.schoolsafety.hub.incident.IncidentSettings;
import org.schoolsafety.hub.incident.IncidentState;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.NewIncident;
import org.schoolsafety.hub.incident.ReportKind;
import org.schoolsafety.hub.incident.SchoolRef;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.region.RegionCode;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * How long an Incident with a 10,000-event history takes to recover from the real Cassandra journal
 * and snapshot store, with and without a snapshot. A measurement, not a test: it prints its figures
 * and asserts only that the incidents recovered whole (never a time). Run it with
 * {@code mvn -B -o -pl persistence -am test -Dtest=IncidentRecoveryMeasurement -Dsurefire.failIfNoSpecifiedTests=false}
 * (its name keeps it out of the suite). docs/PERFORMANCE.md records the figures.
 *
 * <p>The histories are written straight into the journal by a stand-in with the Incident's persistence id
 * and event handler (in batches, so writing them takes seconds, not a snapshot every 50 events): a fire
 * report, its dispatch to three agencies, their acknowledgements and continuation reports up to
 * {@link #EVENTS}. One incident has the snapshot the Incident's retention criteria ({@code snapshotEvery(50)})
 * leaves at worst, 49 events before the end; the other has none. Each recovery is timed from spawning the
 * real {@link Incident} behavior to its answer to a {@code Get} (stashed until recovery completes).
 */
@ExtendWith(SharedCassandra.class)
class IncidentRecoveryMeasurement {

  static final int EVENTS = Integer.getInteger("recovery.events", 10_000);
  static final int RUNS = Integer.getInteger("recovery.runs", 7);
  static final Instant T0 = Instant.parse("2026-11-30T02:00:00Z");

  @Test
  void recoveryOfALongHistory() throws Exception {
    Config config = ConfigFactory.load(ConfigFactory.parseMap(Map.of(
            "hub.cassandra.journal-keyspace", "it_recovery",
            "hub.cassandra.snapshot-keyspace", "it_recovery_snapshot",
            "hub.cassandra.contact-points", List.of(SharedCassandra.contactPoint()),
            "datastax-java-driver.basic.request.timeout", "30s"))
        .withFallback(ConfigFactory.parseResources("persistence.conf"))
        .withFallback(ConfigFactory.parseResources("serialization.conf")));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "recovery-measurement", config);
    StorageSchema.initialize(system, Duration.ofSeconds(120));  // the journal's and snapshots' tables
    try {
      String run = Long.toHexString(System.nanoTime());
      String withSnapshot = "inc-recovery-snap-" + run;
      String withoutSnapshot = "inc-recovery-nosnap-" + run;
      List<IncidentEvent> snapHistory = history(withSnapshot);
      List<IncidentEvent> fullHistory = history(withoutSnapshot);
      long t = System.nanoTime();
      IncidentState written = write(system, withSnapshot, snapHistory, EVENTS - 49);
      write(system, withoutSnapshot, fullHistory, -1);
      System.out.printf("wrote 2 x %,d events in %.1f s%n", EVENTS, (System.nanoTime() - t) / 1e9);
      var serialization = SerializationExtension.get(system);
      byte[] snapshot = serialization.serialize(written).get();
      int snapshotBytes = snapshot.length;
      // The CPU parts of recovery, in memory: folding the whole history, reading the snapshot back.
      var cpu = new StringBuilder();
      for (int i = 0; i < 3; i++) {
        long f = System.nanoTime();
        IncidentState folded = IncidentState.empty(withoutSnapshot);
        for (IncidentEvent e : fullHistory) {
          folded = folded.apply(e);
        }
        long d = System.nanoTime();
        serialization.deserialize(snapshot, IncidentState.class).get();
        long end = System.nanoTime();
        cpu.append(String.format("  in memory: folding %,d events %d ms, deserializing the snapshot %d ms%n",
            EVENTS, (d - f) / 1_000_000, (end - d) / 1_000_000));
      }

      Entities nowhere = new Entities(id -> system.ignoreRef(), id -> system.ignoreRef(), id -> system.ignoreRef(),
          id -> system.ignoreRef());
      IncidentSettings settings = IncidentSettings.fromConfig(system.settings().config());
      var results = new StringBuilder();
      var timings = new java.util.LinkedHashMap<String, long[]>();
      timings.put(withSnapshot, new long[RUNS]);
      timings.put(withoutSnapshot, new long[RUNS]);
      // Alternated, and which goes first swaps every round: the JVM warms up as the runs go, and
      // running one kind after the other would credit the warm-up to the second kind.
      for (int i = 0; i < RUNS; i++) {
        for (String id : i % 2 == 0 ? List.of(withSnapshot, withoutSnapshot) : List.of(withoutSnapshot, withSnapshot)) {
          long[] ms = timings.get(id);
          long started = System.nanoTime();
          ActorRef<IncidentCommand> incident = system.systemActorOf(
              Incident.create(id, nowhere, settings, Clock.systemUTC(), null, HubMetrics.NONE), id + "-" + i,
              Props.empty());
          IncidentState state = AskPattern.<IncidentCommand, StatusReply<IncidentState>>ask(incident,
                  IncidentCommand.Get::new, Duration.ofSeconds(60), system.scheduler())
              .toCompletableFuture().get(60, TimeUnit.SECONDS).getValue();
          ms[i] = (System.nanoTime() - started) / 1_000_000;
          assertThat(state.reportCount()).isEqualTo(EVENTS - 4);
          assertThat(state.eventCount()).isEqualTo(EVENTS);
          assertThat(state.reports()).hasSize(IncidentState.REPORTS_KEPT);
          assertThat(state.status()).isEqualTo(Status.ACKNOWLEDGED);
          // Left running (recovery only reads; no two of them write): a parent may stop only its own children.
        }
      }
      for (var timing : timings.entrySet()) {
        String id = timing.getKey();
        long[] ms = timing.getValue();
        long[] sorted = ms.clone();
        Arrays.sort(sorted);
        results.append(String.format("  %-34s runs %s ms: first %d, median %d, min %d, max %d%n",
            id.equals(withSnapshot) ? "with snapshot (+49 events replayed)" : "without snapshot (" + EVENTS + " events)",
            Arrays.toString(ms), ms[0], sorted[RUNS / 2], sorted[0], sorted[RUNS - 1]));
      }
      System.out.printf("Recovery of an incident with %,d events (spawn to the answer to Get; snapshot %,d bytes):%n%s%s",
          EVENTS, snapshotBytes, results, cpu);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** A fire, dispatched to three agencies that acknowledge, then continuation reports up to {@link #EVENTS}. */
  static List<IncidentEvent> history(String id) {
    var school = new SchoolRef("sch-650102-001", "Tianshan No. 1 Primary", RegionCode.of("650102"));
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, T0.minusSeconds(60), "smoke in the lab",
        Casualties.NONE, "evacuated", null, null, null, null);
    var events = new ArrayList<IncidentEvent>();
    events.add(new IncidentEvent.Reported(id, new NewIncident(school, IncidentType.FIRE, Level.III, Mode.ACTUAL, initial,
        "ref-" + id, null, null), "fp", T0, "school:sch-650102-001"));
    var agencies = List.of(
        new AgencyProfile("fire-650102", "fire-650102", AgencyKind.FIRE, Tier.COUNTY, "650102"),
        new AgencyProfile("health-650102", "health-650102", AgencyKind.HEALTH, Tier.COUNTY, "650102"),
        new AgencyProfile("edu-650102", "edu-650102", AgencyKind.EDUCATION, Tier.COUNTY, "650102"));
    Instant at = T0.plusSeconds(1);
    events.add(new IncidentEvent.Dispatched(id, agencies.stream()
        .map(a -> new Dispatch(a, DispatchState.NOTIFIED, T0.plusSeconds(1), T0.plusSeconds(601), null, null)).toList(),
        Map.of(), Set.of(), at, "hub"));
    for (AgencyProfile a : agencies) {
      events.add(new IncidentEvent.Acknowledged(id, a.agencyId(), "on our way", T0.plusSeconds(30), "agency:" + a.agencyId()));
    }
    for (int n = 1; events.size() < EVENTS; n++) {
      events.add(new IncidentEvent.ReportAdded(id, IncidentReport.followUp(ReportKind.CONTINUATION,
          "update " + n + ": crews working on the east wing, students accounted for", new Casualties(0, n % 7, 0),
          "cordon kept", null, null, null), T0.plusSeconds(60L + n), "school:sch-650102-001"));
    }
    return events;
  }

  // --- a stand-in that writes the history into the Incident's journal -------------------------

  record Append(List<IncidentEvent> events, ActorRef<IncidentState> replyTo) {}

  /** Writes {@code history} as the Incident's events; a snapshot at {@code snapshotAt} (none if negative). */
  private static IncidentState write(ActorSystem<?> system, String id, List<IncidentEvent> history, long snapshotAt)
      throws Exception {
    ActorRef<Append> writer = system.systemActorOf(new Writer(id, snapshotAt), "writer-" + id,
        Props.empty());
    IncidentState state = null;
    for (int from = 0; from < history.size(); from += 100) {
      var batch = history.subList(from, Math.min(history.size(), from + 100));
      // A batch crossing the snapshot's sequence number is cut there, so the snapshot lands on it.
      if (snapshotAt > from && snapshotAt < from + batch.size()) {
        int cut = (int) (snapshotAt - from);
        state = append(system, writer, batch.subList(0, cut));
        batch = batch.subList(cut, batch.size());
      }
      state = append(system, writer, List.copyOf(batch));
    }
    return state;
  }

  private static IncidentState append(ActorSystem<?> system, ActorRef<Append> writer, List<IncidentEvent> events)
      throws Exception {
    return AskPattern.<Append, IncidentState>ask(writer, replyTo -> new Append(List.copyOf(events), replyTo),
        Duration.ofSeconds(60), system.scheduler()).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static final class Writer extends EventSourcedBehavior<Append, IncidentEvent, IncidentState> {
    private final String id;
    private final long snapshotAt;

    Writer(String id, long snapshotAt) {
      super(PersistenceId.of(Incident.ENTITY_TYPE_KEY.name(), id));
      this.id = id;
      this.snapshotAt = snapshotAt;
    }

    @Override
    public IncidentState emptyState() {
      return IncidentState.empty(id);
    }

    @Override
    public CommandHandler<Append, IncidentEvent, IncidentState> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Append.class, (state, cmd) -> Effect().persist(cmd.events()).thenReply(cmd.replyTo(), s -> s))
          .build();
    }

    @Override
    public EventHandler<IncidentState, IncidentEvent> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent(IncidentState::apply);
    }

    @Override
    public boolean shouldSnapshot(IncidentState state, IncidentEvent event, long sequenceNr) {
      return sequenceNr == snapshotAt;
    }
  }
}
