package org.schoolsafety.hub;

import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.feed.IncidentFeed;
import org.schoolsafety.hub.incident.Incident;
import org.schoolsafety.hub.incident.IncidentCommand;
import org.schoolsafety.hub.prevention.Prevention;
import org.schoolsafety.hub.school.School;

/**
 * How one entity reaches the others. In the node these are sharded entity refs; unit tests
 * pass probes or locally spawned entities instead, and leave out what they never reach.
 */
public record Entities(
    Function<String, RecipientRef<School.Command>> schools,
    Function<String, RecipientRef<Agency.Command>> agencies,
    Function<String, RecipientRef<AgencyDirectory.Command>> directories,
    Function<String, RecipientRef<IncidentFeed.Command>> feeds,
    Function<String, RecipientRef<Prevention.Command>> preventions,
    Function<String, RecipientRef<IncidentCommand>> incidents) {

  /** Without prevention records (nothing is sent to them) and without incidents. */
  public Entities(
      Function<String, RecipientRef<School.Command>> schools,
      Function<String, RecipientRef<Agency.Command>> agencies,
      Function<String, RecipientRef<AgencyDirectory.Command>> directories,
      Function<String, RecipientRef<IncidentFeed.Command>> feeds) {
    this(schools, agencies, directories, feeds, null, id -> {
      throw new UnsupportedOperationException("no incidents in this setup");
    });
  }

  public static Entities sharded(ActorSystem<?> system) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return new Entities(
        id -> sharding.entityRefFor(School.ENTITY_TYPE_KEY, id),
        id -> sharding.entityRefFor(Agency.ENTITY_TYPE_KEY, id),
        province -> sharding.entityRefFor(AgencyDirectory.ENTITY_TYPE_KEY, province),
        province -> sharding.entityRefFor(IncidentFeed.ENTITY_TYPE_KEY, province),
        id -> sharding.entityRefFor(Prevention.ENTITY_TYPE_KEY, id),
        id -> sharding.entityRefFor(Incident.ENTITY_TYPE_KEY, id));
  }

  /** The same, reaching these prevention records. */
  public Entities withPreventions(Function<String, RecipientRef<Prevention.Command>> preventions) {
    return new Entities(schools, agencies, directories, feeds, preventions, incidents);
  }

  /** The same, reaching these incidents. */
  public Entities withIncidents(Function<String, RecipientRef<IncidentCommand>> incidents) {
    return new Entities(schools, agencies, directories, feeds, preventions, incidents);
  }

  /** A school's device-raised incidents are reported by the school itself. */
  public RecipientRef<IncidentCommand> incident(String incidentId) {
    return incidents.apply(incidentId);
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
