package org.schoolsafety.edge.cap;

import java.io.StringWriter;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.incident.IncidentState;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.school.Location;

/**
 * An incident as an OASIS CAP 1.2 alert (docs/CAP.md has the field mapping). Only structured
 * facts go out: type, level, status, counts, the school and its region. Free text (summary,
 * measures, notes) and the reporter are left out, since they can name children or staff.
 */
public final class CapAlerts {

  public static final String NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2";
  /** The code list of {@code geocode} values: China's administrative division codes. */
  public static final String REGION_CODE_LIST = "GB/T 2260";
  private static final DateTimeFormatter CAP_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");

  private final CapSettings settings;

  public CapAlerts(CapSettings settings) {
    this.settings = settings;
  }

  /** The incident's newest message, referring to every earlier one. */
  public String latest(IncidentState state, Location school) {
    List<CapMessage> messages = CapMessage.of(state);
    CapMessage latest = messages.get(messages.size() - 1);
    try {
      var out = new StringWriter();
      XMLStreamWriter xml = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeStartElement("alert");
      xml.writeDefaultNamespace(NAMESPACE);
      text(xml, "identifier", latest.identifier());
      text(xml, "sender", settings.sender());
      text(xml, "sent", time(latest.sent()));
      text(xml, "status", state.incident().mode() == Mode.EXERCISE ? "Exercise" : "Actual");
      text(xml, "msgType", latest.msgType());
      text(xml, "scope", "Restricted");
      text(xml, "restriction", "For emergency services and education authorities of region "
          + state.incident().school().region().value() + "; not for public distribution");
      if (messages.size() > 1) {
        text(xml, "references", messages.subList(0, messages.size() - 1).stream()
            .map(m -> settings.sender() + "," + m.identifier() + "," + time(m.sent()))
            .collect(Collectors.joining(" ")));
      }
      text(xml, "incidents", state.incidentId());
      info(xml, state, school);
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.close();
      return out.toString();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write the CAP alert of " + state.incidentId(), e);
    }
  }

  private void info(XMLStreamWriter xml, IncidentState state, Location school) throws XMLStreamException {
    IncidentType type = state.incident().type();
    Status status = state.status();
    xml.writeStartElement("info");
    text(xml, "language", "en-US");
    text(xml, "category", category(type));
    text(xml, "event", words(type) + " at a school");
    if (status == Status.CLOSED || status == Status.RESOLVED) {
      text(xml, "responseType", "AllClear");
    }
    text(xml, "urgency", status.isActive() ? "Immediate" : "Past");
    text(xml, "severity", severity(state.level()));
    text(xml, "certainty", certainty(state));
    text(xml, "senderName", settings.senderName());
    text(xml, "headline", words(type) + " (level " + state.level() + ") at " + state.incident().school().name());
    text(xml, "description", description(state));
    parameter(xml, "incidentId", state.incidentId());
    parameter(xml, "level", state.level().name());
    parameter(xml, "status", status.name());
    xml.writeStartElement("area");
    text(xml, "areaDesc", state.incident().school().name() + ", region " + state.incident().school().region().value());
    if (school != null) {
      text(xml, "circle", String.format(Locale.ROOT, "%.6f,%.6f %s", school.lat(), school.lon(),
          trim(settings.schoolRadiusKm())));
    }
    xml.writeStartElement("geocode");
    text(xml, "valueName", REGION_CODE_LIST);
    text(xml, "value", state.incident().school().region().value());
    xml.writeEndElement();
    xml.writeEndElement();
    xml.writeEndElement();
  }

  static String category(IncidentType type) {
    return switch (type) {
      case FIRE -> "Fire";
      case INTRUSION, VIOLENCE -> "Security";
      case ILLNESS_OUTBREAK, FOOD_POISONING -> "Health";
      case NATURAL_DISASTER -> "Geo";
      case TRAFFIC -> "Transport";
      case STRUCTURAL -> "Infra";
      case HAZMAT -> "CBRNE";
      case MISSING_STUDENT -> "Rescue";
      case INJURY, BULLYING, OTHER -> "Other";
    };
  }

  static String severity(Level level) {
    return switch (level) {
      case I -> "Extreme";
      case II -> "Severe";
      case III -> "Moderate";
      case IV -> "Minor";
      case UNGRADED -> "Unknown";
    };
  }

  /** Observed when people at the school reported it; Likely when a device did and nobody has confirmed it yet. */
  static String certainty(IncidentState state) {
    boolean byDevice = state.reports().stream().allMatch(r -> r.by() != null && r.by().startsWith("sensor-gateway:"));
    return byDevice ? "Likely" : "Observed";
  }

  private static String description(IncidentState state) {
    Casualties c = state.casualties();
    long acknowledged = state.dispatches().stream().filter(d -> d.ackAt() != null).count();
    return "Status " + state.status() + ". Casualties reported: " + c.dead() + " dead, " + c.injured() + " injured, "
        + c.missing() + " missing. Agencies notified: " + state.dispatches().size() + ", acknowledged: "
        + acknowledged + ".";
  }

  private static String words(IncidentType type) {
    String s = type.name().replace('_', ' ').toLowerCase(Locale.ROOT);
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private String time(Instant at) {
    return CAP_TIME.format(at.truncatedTo(ChronoUnit.SECONDS).atZone(settings.zone()));
  }

  private static String trim(double km) {
    return km == Math.rint(km) ? String.valueOf((long) km) : String.valueOf(km);
  }

  private static void parameter(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
    xml.writeStartElement("parameter");
    text(xml, "valueName", name);
    text(xml, "value", value);
    xml.writeEndElement();
  }

  private static void text(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
    xml.writeStartElement(name);
    xml.writeCharacters(value);
    xml.writeEndElement();
  }
}
