package org.schoolsafety.hub;

import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.feed.IncidentFeed;
import org.schoolsafety.hub.prevention.Prevention;
import org.schoolsafety.hub.school.School;

/**
 * How one entity reaches the others. In the node these are sharded entity refs; unit tests
 * pass probes or locally spawned entities instead.
 */
public record Entities(
    Function<String, RecipientRef<School.Command>> schools,
    Function<String, RecipientRef<Agency.Command>> agencies,
    Function<String, RecipientRef<AgencyDirectory.Command>> directories,
    Function<String, RecipientRef<IncidentFeed.Command>> feeds,
    Function<String, RecipientRef<Prevention.Command>> preventions) {

  /** Without prevention records (tests of incidents alone): nothing is sent to them. */
  public Entities(
      Function<String, RecipientRef<School.Command>> schools,
      Function<String, RecipientRef<Agency.Command>> agencies,
      Function<String, RecipientRef<AgencyDirectory.Command>> directories,
      Function<String, RecipientRef<IncidentFeed.Command>> feeds) {
    this(schools, agencies, directories, feeds, null);
  }

  public static Entities sharded(ActorSystem<?> system) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return new Entities(
        id -> sharding.entityRefFor(School.ENTITY_TYPE_KEY, id),
        id -> sharding.entityRefFor(Agency.ENTITY_TYPE_KEY, id),
        province -> sharding.entityRefFor(AgencyDirectory.ENTITY_TYPE_KEY, province),
        province -> sharding.entityRefFor(IncidentFeed.ENTITY_TYPE_KEY, province),
        id -> sharding.entityRefFor(Prevention.ENTITY_TYPE_KEY, id));
  }

  public RecipientRef<School.Command> school(String schoolId) {
    return schools.apply(schoolId);
  }

  public RecipientRef<Agency.Command> agency(String agencyId) {
    return agencies.apply(agencyId);
  }

  /** The prevention record (inspections, health checks, trainings, surroundings, risk) of a school. */
  public RecipientRef<Prevention.Command> prevention(String schoolId) {
    return preventions.apply(schoolId);
  }

  /** The incident feed of the province (first two digits of any region code). */
  public RecipientRef<IncidentFeed.Command> feed(String province) {
    return feeds.apply(province);
  }

  /** The directory of the province (first two digits of any region code or jurisdiction). */
  public RecipientRef<AgencyDirectory.Command> directory(String province) {
    return directories.apply(province);
  }
}
