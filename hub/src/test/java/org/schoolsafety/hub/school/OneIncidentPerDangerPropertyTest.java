package org.schoolsafety.hub.school;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.HubTestConfig;
import org.schoolsafety.hub.MutableClock;
import org.schoolsafety.hub.device.Batch;
import org.schoolsafety.hub.device.Device;
import org.schoolsafety.hub.device.Ingested;
import org.schoolsafety.hub.device.Place;
import org.schoolsafety.hub.device.Reading;
import org.schoolsafety.hub.device.SensorKind;
import org.schoolsafety.hub.device.SensorSettings;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.region.RegionCode;

/**
 * Property: however a burst's readings are interleaved and cut into batches — across devices
 * and gateways, in any order, even a device's own readings out of order — a school opens exactly
 * one incident per type of danger in it. The burst: every device of a few kinds reads above its
 * threshold for the whole minute (so each danger is real and confirmed), plus readings below
 * every threshold from quiet devices.
 */
class OneIncidentPerDangerPropertyTest {

  static ActorTestKit testKit;
  static final SensorSettings SETTINGS = SensorSettings.fromConfig(ConfigFactory.load());
  static final Instant T0 = Instant.parse("2026-11-29T08:15:00Z");
  static final AtomicInteger TRIES = new AtomicInteger();

  /** The danger each kind of device signals here, and a value above its threshold. */
  static final Map<SensorKind, IncidentType> DANGER = Map.of(
      SensorKind.SMOKE, IncidentType.FIRE,
      SensorKind.GAS, IncidentType.HAZMAT,
      SensorKind.PANIC, IncidentType.INTRUSION,
      SensorKind.INTRUSION, IncidentType.INTRUSION);
  static final Map<SensorKind, Double> ABOVE = Map.of(
      SensorKind.SMOKE, 0.4, SensorKind.GAS, 45.0, SensorKind.PANIC, 1.0, SensorKind.INTRUSION, 1.0);

  /** The incidents and agencies the school tells: nobody here (what the school decides is under test). */
  static Entities DROPPING;

  @BeforeContainer
  static void start() {
    testKit = ActorTestKit.create(HubTestConfig.realTime());
    DROPPING = new Entities(id -> testKit.system().deadLetters(), id -> testKit.system().deadLetters(),
        id -> testKit.system().deadLetters(), id -> testKit.system().deadLetters())
        .withIncidents(id -> testKit.system().deadLetters());
  }

  @AfterContainer
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A burst: per device kind in it, how many devices (at least two, so confirmation rules can confirm). */
  record Burst(Map<SensorKind, Integer> devices, int quiet, long seed, int batches) {}

  @Provide
  Arbitrary<Burst> bursts() {
    Arbitrary<Map<SensorKind, Integer>> kinds = Arbitraries.subsetOf(SensorKind.SMOKE, SensorKind.GAS,
            SensorKind.PANIC, SensorKind.INTRUSION)
        .ofMinSize(1)
        .flatMap(set -> Arbitraries.integers().between(2, 6).list().ofSize(set.size()).map(counts -> {
          var map = new HashMap<SensorKind, Integer>();
          int i = 0;
          for (SensorKind k : set) {
            map.put(k, counts.get(i++));
          }
          return map;
        }));
    return Combinators.combine(kinds, Arbitraries.integers().between(0, 5), Arbitraries.longs(),
        Arbitraries.integers().between(1, 12)).as(Burst::new);
  }

  @Property(tries = 60)
  void anyInterleavingOfABurstOpensExactlyOneIncidentPerSchoolAndType(@ForAll("bursts") Burst burst) {
    TRIES.incrementAndGet();
    String schoolId = "sch-prop-" + UUID.randomUUID();
    var school = EventSourcedBehaviorTestKit.<School.Command, School.Event, School.State>create(testKit.system(),
        School.create(schoolId, new MutableClock(T0.plusSeconds(90)), DROPPING, SETTINGS, null),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    school.<StatusReply<School.State>>runCommand(r -> new School.Register(new SchoolProfile(schoolId, "Prop School",
        RegionCode.of("650102"), SchoolType.PRIMARY, 500, 40, 3, new Location(43.8, 87.6)), "operator:test", r));

    // Every reading of the burst: 7 per device over 60 s, all above its threshold.
    var readings = new ArrayList<Reading>();
    burst.devices().forEach((kind, count) -> {
      for (int d = 0; d < count; d++) {
        String id = kind.name().toLowerCase() + "-" + d;
        school.<StatusReply<org.schoolsafety.hub.device.DeviceRecord>>runCommand(r -> new School.RegisterDevice(
            new Device(id, kind, new Place("B", "2F", "room " + id, null), "gw"), "operator:test", r));
        for (int s = 0; s <= 60; s += 10) {
          readings.add(Reading.of(id, kind, ABOVE.get(kind), T0.plusSeconds(s + d)));
        }
      }
    });
    for (int q = 0; q < burst.quiet(); q++) {
      for (int s = 0; s <= 60; s += 15) {
        readings.add(Reading.of("quiet-temp-" + q, SensorKind.TEMPERATURE, 21.5, T0.plusSeconds(s)));
      }
    }
    // Any interleaving, cut anywhere into batches.
    Collections.shuffle(readings, new Random(burst.seed()));
    List<List<Reading>> batches = cut(readings, burst.batches(), new Random(burst.seed() + 1));

    var opened = new HashMap<IncidentType, Set<String>>();
    var attachedTo = new HashMap<IncidentType, Set<String>>();
    for (List<Reading> batch : batches) {
      var result = school.<StatusReply<Ingested>>runCommand(r ->
          new School.Ingest(new Batch("gw", Mode.ACTUAL, null, batch), "sensor-gateway:" + schoolId, r));
      assertThat(result.reply().isSuccess()).isTrue();
      for (Ingested.Touched t : result.reply().getValue().incidents()) {
        (t.opened() ? opened : attachedTo).computeIfAbsent(t.type(), k -> new java.util.HashSet<>()).add(t.incidentId());
      }
    }
    Set<IncidentType> dangers = burst.devices().keySet().stream().map(DANGER::get).collect(Collectors.toSet());
    assertThat(opened.keySet()).as("dangers with an incident").isEqualTo(dangers);
    opened.forEach((type, ids) -> {
      assertThat(ids).as("incidents of " + type).hasSize(1);
      assertThat(attachedTo.getOrDefault(type, Set.of())).as("attached to " + type).isSubsetOf(ids);
    });
    // The journal agrees, and after recovery the school still knows them.
    Map<IncidentType, String> open = new HashMap<>();
    school.getState().fleet().open().values().forEach(i -> open.put(i.type(), i.incidentId()));
    school.restart();
    school.getState().fleet().open().values().forEach(i -> assertThat(open.get(i.type())).isEqualTo(i.incidentId()));
    assertThat(open.keySet()).isEqualTo(dangers);
  }

  private static List<List<Reading>> cut(List<Reading> readings, int batches, Random random) {
    var cuts = new java.util.TreeSet<Integer>();
    while (cuts.size() < Math.min(batches - 1, readings.size() - 1)) {
      cuts.add(1 + random.nextInt(readings.size() - 1));
    }
    var out = new ArrayList<List<Reading>>();
    int from = 0;
    for (int c : cuts) {
      out.add(List.copyOf(readings.subList(from, c)));
      from = c;
    }
    out.add(List.copyOf(readings.subList(from, readings.size())));
    return out;
  }
}
