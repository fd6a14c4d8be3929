package org.schoolsafety.hub.bench;

import com.typesafe.config.ConfigFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.schoolsafety.hub.incident.IncidentEvent;
import org.schoolsafety.hub.incident.IncidentState;

/**
 * Jackson CBOR through Pekko's SerializationExtension, as the Cassandra journal and snapshot store
 * call it (serializer by binding, string manifest, bytes): an incident's 8 events written, read
 * back, and replayed into its state; the state itself as a snapshot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class SerializationBenchmark {

  /** One serialized object as the journal stores it. */
  record Stored(byte[] bytes, int serializerId, String manifest) {}

  private ActorSystem system;
  private Serialization serialization;
  private List<IncidentEvent> events;
  private IncidentState state;
  private Stored[] storedEvents;
  private Stored storedState;

  @Setup
  public void setUp() {
    system = ActorSystem.create("bench", ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING")
        .withFallback(ConfigFactory.parseResources("serialization.conf"))
        .withFallback(ConfigFactory.load()));
    serialization = SerializationExtension.get(system);
    events = SampleIncident.events();
    state = SampleIncident.fold(events);
    storedEvents = events.stream().map(this::store).toArray(Stored[]::new);
    storedState = store(state);
    if (!SampleIncident.fold(events.stream().map(e -> (IncidentEvent) load(store(e))).toList()).equals(state)) {
      throw new IllegalStateException("the events do not survive serialization");
    }
    int eventBytes = Arrays.stream(storedEvents).mapToInt(s -> s.bytes().length).sum();
    System.out.printf("%n%d events: %d bytes of CBOR; the state after them: %d bytes%n",
        storedEvents.length, eventBytes, storedState.bytes().length);
  }

  @TearDown
  public void tearDown() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get();
  }

  private Stored store(Object o) {
    Serializer serializer = serialization.findSerializerFor(o);
    return new Stored(serializer.toBinary(o), serializer.identifier(), Serializers.manifestFor(serializer, o));
  }

  private Object load(Stored s) {
    return serialization.deserialize(s.bytes(), s.serializerId(), s.manifest()).get();
  }

  /** The incident's 8 events, each to bytes with its manifest. */
  @Benchmark
  public void eventsWrite(Blackhole bh) {
    for (IncidentEvent event : events) {
      bh.consume(store(event));
    }
  }

  /** The incident's 8 events from bytes. */
  @Benchmark
  public void eventsRead(Blackhole bh) {
    for (Stored stored : storedEvents) {
      bh.consume(load(stored));
    }
  }

  /** Recovery without a snapshot: the 8 events from bytes, folded into the state. */
  @Benchmark
  public IncidentState eventsReplay() {
    IncidentState replayed = IncidentState.empty(SampleIncident.ID);
    for (Stored stored : storedEvents) {
      replayed = replayed.apply((IncidentEvent) load(stored));
    }
    return replayed;
  }

  /** The event handler alone: the 8 events (already in memory) folded into the state. */
  @Benchmark
  public IncidentState eventsFold() {
    return SampleIncident.fold(events);
  }

  /** IncidentState (closed, 8 events in) as a snapshot. */
  @Benchmark
  public Stored stateWrite() {
    return store(state);
  }

  @Benchmark
  public Object stateRead() {
    return load(storedState);
  }
}
