package org.schoolsafety.edge.cap;

import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.schoolsafety.persistence.readside.IncidentSummary;

/**
 * A region's current alerts as an Atom feed (RFC 4287): one entry per open incident, newest
 * first, each linking to its CAP document, the way public alert hubs publish CAP. A longer list
 * continues at the {@code next} link (RFC 5005 paging).
 */
public final class CapFeed {

  private static final String ATOM = "http://www.w3.org/2005/Atom";

  private CapFeed() {}

  public static String of(String region, String mode, List<IncidentSummary> incidents, String next, Instant now) {
    try {
      var out = new StringWriter();
      XMLStreamWriter xml = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeStartElement("feed");
      xml.writeDefaultNamespace(ATOM);
      text(xml, "id", "urn:school-safety-hub:cap-feed:" + region + ":" + mode.toLowerCase());
      text(xml, "title", "School Safety Hub: current alerts in region " + region);
      Instant updated = incidents.stream().map(IncidentSummary::updatedAt).max(Instant::compareTo).orElse(now);
      text(xml, "updated", atomTime(updated));
      link(xml, "self", "/api/v1/cap/feed?region=" + region + "&mode=" + mode, "application/atom+xml");
      if (next != null) {
        link(xml, "next", "/api/v1/cap/feed?region=" + region + "&mode=" + mode + "&cursor="
            + URLEncoder.encode(next, StandardCharsets.UTF_8), "application/atom+xml");
      }
      xml.writeStartElement("author");
      text(xml, "name", "School Safety Hub");
      xml.writeEndElement();
      for (IncidentSummary incident : incidents) {
        entry(xml, incident);
      }
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.close();
      return out.toString();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write the CAP feed of region " + region, e);
    }
  }

  private static void entry(XMLStreamWriter xml, IncidentSummary i) throws XMLStreamException {
    xml.writeStartElement("entry");
    text(xml, "id", "urn:school-safety-hub:incident:" + i.incidentId());
    text(xml, "title", i.type() + " (level " + i.level() + ") at " + i.schoolName() + ", " + i.status());
    text(xml, "updated", atomTime(i.updatedAt()));
    text(xml, "published", atomTime(i.reportedAt()));
    link(xml, "alternate", "/api/v1/incidents/" + i.incidentId() + "/cap", "application/cap+xml");
    xml.writeStartElement("category");
    xml.writeAttribute("term", i.regionCode());
    xml.writeAttribute("label", "region " + i.regionCode());
    xml.writeEndElement();
    xml.writeEndElement();
  }

  private static void link(XMLStreamWriter xml, String rel, String href, String type) throws XMLStreamException {
    xml.writeEmptyElement("link");
    xml.writeAttribute("rel", rel);
    xml.writeAttribute("type", type);
    xml.writeAttribute("href", href);
  }

  private static String atomTime(Instant at) {
    return DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
  }

  private static void text(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
    xml.writeStartElement(name);
    xml.writeCharacters(value);
    xml.writeEndElement();
  }
}
