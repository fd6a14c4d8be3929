package org.schoolsafety.persistence.readside;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.schoolsafety.persistence.FirstTimeBucket;
import org.schoolsafety.persistence.testing.SharedCassandra;

/** An actor system on the shared test Cassandra with the read side's schema in {@code keyspace}, for handler tests. */
final class ReadSideTesting {

  private ReadSideTesting() {}

  static ActorSystem<Void> system(String name, String journalKeyspace, String keyspace) {
    Config config = ConfigFactory.load(ConfigFactory.parseMap(Map.of(
            "hub.cassandra.journal-keyspace", journalKeyspace,
            "hub.cassandra.contact-points", List.of(SharedCassandra.contactPoint()),
            FirstTimeBucket.KEY, SharedCassandra.firstTimeBucket(),
            "datastax-java-driver.basic.request.timeout", "30s"))
        .withFallback(ConfigFactory.parseResources("persistence.conf")));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name, config);
    ReadSideSchema.create(system, ReadSide.session(system), keyspace);
    return system;
  }
}
