package org.schoolsafety.hub.school;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.DeviceNotice;
import org.schoolsafety.hub.device.DeviceIncident;
import org.schoolsafety.hub.device.SensorSettings;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.incident.Evidence;
import org.schoolsafety.hub.incident.IncidentCommand;
import org.schoolsafety.hub.incident.NewIncident;
import org.schoolsafety.hub.region.RegionCode;

/**
 * What the school tells others about its devices, at least once: device-raised incidents to the
 * Incident entity (the report, then its evidence), flagged devices to the incident they were
 * flagged on, and offline notices to the school's education agency. Everything it sends follows
 * from the school's journal, so after a restart the school hands it everything again and the
 * receivers drop what they already have. One message per receiver is in flight at a time; what
 * fails is retried after the redelivery interval.
 */
final class DeviceDesk {

  private static final String REDELIVER = "device-redeliver";

  /** A device-raised incident refused evidence because it is no longer active. */
  record Refusal(DeviceIncident incident, List<Evidence> evidence, IncidentCommand.EvidenceReply reply) {}

  private final String schoolId;
  private final ActorContext<School.Command> context;
  private final TimerScheduler<School.Command> timers;
  private final Entities entities;
  private final SensorSettings settings;

  private final Map<String, NewIncident> unreported = new LinkedHashMap<>();
  private final Map<String, DeviceIncident> incidents = new LinkedHashMap<>();
  private final Map<String, List<Evidence>> evidence = new LinkedHashMap<>();
  private final Map<String, List<Object>> flags = new LinkedHashMap<>();
  private final Map<String, DeviceNotice> notices = new LinkedHashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Map<String, List<Evidence>> evidenceInFlight = new LinkedHashMap<>();
  private RegionCode region;
  private String educationAgency;
  private boolean findingAgency;

  DeviceDesk(String schoolId, ActorContext<School.Command> context, TimerScheduler<School.Command> timers,
      Entities entities, SensorSettings settings) {
    this.schoolId = schoolId;
    this.context = context;
    this.timers = timers;
    this.entities = entities;
    this.settings = settings;
  }

  boolean isIdle() {
    return unreported.isEmpty() && evidence.isEmpty() && flags.isEmpty() && notices.isEmpty() && inFlight.isEmpty();
  }

  // --- what to send ---------------------------------------------------------------------

  void report(DeviceIncident incident, NewIncident report) {
    incidents.put(incident.incidentId(), incident);
    unreported.put(incident.incidentId(), report);
    flush();
  }

  void evidence(DeviceIncident incident, List<Evidence> more) {
    incidents.putIfAbsent(incident.incidentId(), incident);
    evidence.computeIfAbsent(incident.incidentId(), id -> new ArrayList<>()).addAll(more);
    flush();
  }

  void flag(String incidentId, List<String> deviceIds, String detail) {
    flags.put(incidentId, List.of(deviceIds, detail));
    flush();
  }

  void notice(RegionCode schoolRegion, DeviceNotice notice) {
    region = schoolRegion;
    notices.put(notice.deviceId(), notice);
    flush();
  }

  /** The incident ended: nothing more goes to it but what is in flight. */
  void forget(String incidentId) {
    unreported.remove(incidentId);
    evidence.remove(incidentId);
    incidents.remove(incidentId);
  }

  // --- answers --------------------------------------------------------------------------

  /** The answer to what was sent under {@code key}; a refusal of evidence for the school to act on. */
  Optional<Refusal> settled(String key, Object value, boolean ok) {
    inFlight.remove(key);
    Optional<Refusal> refusal = Optional.empty();
    String id = key.substring(key.indexOf(':') + 1);
    if (key.startsWith("report:")) {
      if (ok) {
        unreported.remove(id);
      }
    } else if (key.startsWith("evidence:")) {
      List<Evidence> sent = evidenceInFlight.remove(id);
      if (ok && value instanceof IncidentCommand.EvidenceReply reply && !reply.accepted() && incidents.containsKey(id)) {
        refusal = Optional.of(new Refusal(incidents.get(id), sent, reply));
      } else if (!ok && sent != null) {
        evidence.computeIfAbsent(id, k -> new ArrayList<>()).addAll(0, sent);
      }
    } else if (key.startsWith("flag:")) {
      if (ok) {
        flags.remove(id);
      }
    } else if (key.startsWith("notice:")) {
      if (ok && value instanceof DeviceNotice sent && sent.equals(notices.get(id))) {
        notices.remove(id);
      }
    } else if (key.equals("agency:education")) {
      findingAgency = false;
      if (ok && value instanceof String agencyId) {
        educationAgency = agencyId;
      }
    }
    if (!ok) {
      context.getLog().warn("school {}: {} not confirmed; retrying in {}", schoolId, key, settings.redeliveryInterval());
      if (!timers.isTimerActive(REDELIVER)) {
        timers.startSingleTimer(REDELIVER, School.RedeliverDevices.INSTANCE, settings.redeliveryInterval());
      }
    } else {
      flush();
    }
    return refusal;
  }

  void flush() {
    if (entities == null) {
      return; // a school that reaches no other entity (tests of the registry)
    }
    for (var entry : List.copyOf(unreported.entrySet())) {
      String key = "report:" + entry.getKey();
      if (inFlight.add(key)) {
        NewIncident report = entry.getValue();
        String by = incidents.get(entry.getKey()).by();
        context.askWithStatus(IncidentCommand.Accepted.class, entities.incident(entry.getKey()), settings.askTimeout(),
            r -> new IncidentCommand.Report(report, by, r),
            (accepted, failure) -> new School.DeskSettled(key, null, failure == null));
      }
    }
    for (var entry : List.copyOf(evidence.entrySet())) {
      String id = entry.getKey();
      String key = "evidence:" + id;
      if (unreported.containsKey(id) || inFlight.contains(key) || entry.getValue().isEmpty()) {
        continue; // the report goes first
      }
      inFlight.add(key);
      List<Evidence> batch = List.copyOf(entry.getValue());
      evidence.remove(id);
      evidenceInFlight.put(id, batch);
      String by = incidents.containsKey(id) ? incidents.get(id).by() : "school:" + schoolId;
      context.askWithStatus(IncidentCommand.EvidenceReply.class, entities.incident(id), settings.askTimeout(),
          r -> new IncidentCommand.AddEvidence(batch, by, r),
          (reply, failure) -> new School.DeskSettled(key, reply, failure == null));
    }
    for (var entry : List.copyOf(flags.entrySet())) {
      String key = "flag:" + entry.getKey();
      if (inFlight.add(key)) {
        @SuppressWarnings("unchecked")
        List<String> devices = (List<String>) entry.getValue().get(0);
        String detail = (String) entry.getValue().get(1);
        context.askWithStatus(Done.class, entities.incident(entry.getKey()), settings.askTimeout(),
            r -> new IncidentCommand.NoteFlaggedDevices(devices, detail, "school:" + schoolId, r),
            (done, failure) -> new School.DeskSettled(key, null, failure == null));
      }
    }
    if (!notices.isEmpty()) {
      if (educationAgency == null) {
        findEducationAgency();
      } else {
        for (var entry : List.copyOf(notices.entrySet())) {
          String key = "notice:" + entry.getKey();
          if (inFlight.add(key)) {
            DeviceNotice notice = entry.getValue();
            context.ask(Done.class, entities.agency(educationAgency), settings.askTimeout(),
                r -> new Agency.TrackDeviceNotice(notice, r),
                (done, failure) -> new School.DeskSettled(key, notice, failure == null));
          }
        }
      }
    }
  }

  /** The most specific education agency that covers the school (its county's, where there is one). */
  private void findEducationAgency() {
    if (findingAgency || region == null) {
      return;
    }
    findingAgency = true;
    inFlight.add("agency:education");
    context.askWithStatus(AgencyDirectory.Chains.class, entities.directory(region.province()), settings.askTimeout(),
        r -> new AgencyDirectory.FindChains(region, Set.of(AgencyKind.EDUCATION), r),
        (chains, failure) -> {
          boolean found = failure == null && !chains.of(AgencyKind.EDUCATION).isEmpty();
          return new School.DeskSettled("agency:education",
              found ? chains.of(AgencyKind.EDUCATION).get(0).agencyId() : null, found);
        });
  }
}
