package org.schoolsafety.persistence.readside;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.testkit.javadsl.ProjectionTestKit;
import org.apache.pekko.projection.testkit.javadsl.TestProjection;
import org.apache.pekko.projection.testkit.javadsl.TestSourceProvider;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.device.Device;
import org.schoolsafety.hub.device.DeviceState;
import org.schoolsafety.hub.device.Place;
import org.schoolsafety.hub.device.SensorKind;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * The devices-by-province handler, run by Pekko's ProjectionTestKit against the real embedded
 * Cassandra. A device registered right after its school used to fail until the school registry
 * projection (another projection, running on its own) had written the school's province; the
 * events now carry the school's region, so nothing else needs to have run. Events written before
 * that (no region) still take the province from {@code school_provinces}. A replay changes nothing.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceStateWriterTest {

  private static final String KS = "it_device_states";
  private static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");
  private ActorSystem<Void> system;
  private CassandraSession session;
  private final AtomicInteger projections = new AtomicInteger();

  @BeforeAll
  void setUp() {
    system = ReadSideTesting.system("device-state-test", "it_device_states_journal", KS);
    session = ReadSide.session(system);
  }

  @AfterAll
  void tearDown() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Device smoke(String id) {
    return new Device(id, SensorKind.SMOKE, Place.UNKNOWN, "gw-1");
  }

  /** A new school's devices (with its region) and an older school's (events from before: no region). */
  private static List<EventEnvelope<School.Event>> events() {
    List<Object[]> journal = List.of(
        new Object[] {"sch-new", new School.DeviceRegistered(smoke("smoke-1"), T0, "school-staff:sch-new", "650102")},
        new Object[] {"sch-new", new School.DeviceStatesChanged(Map.of("smoke-1", DeviceState.OFFLINE),
            T0.plusSeconds(600), "650102")},
        new Object[] {"sch-old", new School.DeviceRegistered(smoke("smoke-9"), T0, "school-staff:sch-old", null)},
        new Object[] {"sch-old", new School.DeviceStatesChanged(Map.of("smoke-9", DeviceState.FAULT),
            T0.plusSeconds(60), null)});
    var envelopes = new ArrayList<EventEnvelope<School.Event>>();
    long[] seq = {0, 0};
    for (Object[] entry : journal) {
      String id = (String) entry[0];
      long s = ++seq[id.equals("sch-new") ? 0 : 1];
      envelopes.add(EventEnvelope.create(Offset.sequence(envelopes.size() + 1), "School|" + id, s,
          (School.Event) entry[1], T0.toEpochMilli()));
    }
    return envelopes;
  }

  private void run(List<EventEnvelope<School.Event>> envelopes, Runnable assertions) {
    var source = TestSourceProvider.<Offset, EventEnvelope<School.Event>>create(Source.from(envelopes),
        EventEnvelope::offset);
    var projection = TestProjection.create(ProjectionId.of("device-state-test", "p" + projections.incrementAndGet()),
        source, () -> new DeviceStateWriter(session, KS));
    ProjectionTestKit.create(system).run(projection, Duration.ofSeconds(30), assertions::run);
  }

  private List<String> devices(String province) {
    return session.selectAll("SELECT school_id, device_id, kind, state FROM " + KS
            + ".devices_by_province WHERE province = ?", province).toCompletableFuture().join().stream()
        .map(r -> r.getString("school_id") + "/" + r.getString("device_id") + "/" + r.getString("kind") + "/"
            + r.getString("state"))
        .toList();
  }

  private void assertDevices() {
    assertThat(devices("65")).containsExactly("sch-new/smoke-1/SMOKE/OFFLINE", "sch-old/smoke-9/SMOKE/FAULT");
    assertThat(devices("11")).isEmpty();
  }

  @Test
  void devicesAreFiledByTheProvinceTheirEventsNameAndAReplayChangesNothing() {
    // only the old school is known to the registry; the new school's events need nothing else
    session.executeWrite("INSERT INTO " + KS + ".school_provinces (school_id, province) VALUES (?, ?)", "sch-old", "65")
        .toCompletableFuture().join();
    run(events(), this::assertDevices);
    run(events(), this::assertDevices);
    run(events().subList(1, 2), this::assertDevices);
  }
}
