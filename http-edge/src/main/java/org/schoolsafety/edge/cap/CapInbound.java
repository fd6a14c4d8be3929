package org.schoolsafety.edge.cap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.schoolsafety.edge.api.ApiException;
import org.schoolsafety.edge.api.Problem;
import org.schoolsafety.hub.school.Posture;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads an incoming CAP 1.2 alert, safely: no DTD (so no entities, internal or external — no
 * billion laughs, no XXE), no XInclude, no network, bounded size (the HTTP layer's body limit),
 * then the official schema, then the hub's own rules for what the schema leaves as free text
 * (polygons closed and not degenerate, circles with a radius, coordinates in range).
 */
public final class CapInbound {

  /** {@code sender,identifier,sent}: how CAP names a message (in {@code references} too). */
  public record Alert(String identifier, String sender, String sent, String status, String msgType,
      List<String> references, List<Info> infos) {

    public String key() {
      return sender + "," + identifier + "," + sent;
    }

    /** Whether a school at this point, in this region, is concerned by any area of any info. */
    public boolean concerns(double lat, double lon, String regionCode) {
      return infos.stream().flatMap(i -> i.areas().stream()).anyMatch(a -> a.contains(lat, lon, regionCode));
    }

    /** The most demanding posture any info asks for; null when every info says all clear. */
    public Posture posture() {
      Posture most = null;
      for (Info info : infos) {
        Posture p = info.posture();
        if (p != null && (most == null || SEVERITY.indexOf(p) > SEVERITY.indexOf(most))) {
          most = p;
        }
      }
      return most;
    }

    /** The instructions of the infos (else their events), at most 2000 characters. */
    public String instruction() {
      var texts = new LinkedHashSet<String>();
      for (Info info : infos) {
        String text = info.instruction() != null ? info.instruction() : info.event();
        if (text != null && !text.isBlank()) {
          texts.add(text.strip());
        }
      }
      String joined = texts.isEmpty() ? "CAP alert " + identifier : String.join("\n", texts);
      return joined.codePointCount(0, joined.length()) > 2000
          ? joined.substring(0, joined.offsetByCodePoints(0, 1999)) + "…" : joined;
    }
  }

  public record Info(List<String> categories, String event, List<String> responseTypes, String instruction,
      List<CapArea> areas) {

    /**
     * CAP {@code responseType} first: Evacuate → EVACUATE, Shelter → SHELTER, Execute → SECURE,
     * Prepare/Monitor/Assess/None → HOLD, AllClear alone → none (lift); without one, by
     * category: Security → LOCKDOWN; Fire → EVACUATE; Met, Geo, CBRNE, Env → SHELTER; others HOLD.
     */
    public Posture posture() {
      if (responseTypes.contains("Evacuate")) {
        return Posture.EVACUATE;
      }
      if (responseTypes.contains("Shelter")) {
        return Posture.SHELTER;
      }
      if (responseTypes.contains("Execute")) {
        return Posture.SECURE;
      }
      if (!responseTypes.isEmpty() && responseTypes.stream().allMatch("AllClear"::equals)) {
        return null;
      }
      if (!responseTypes.isEmpty()) {
        return Posture.HOLD;
      }
      if (categories.contains("Security")) {
        return Posture.LOCKDOWN;
      }
      if (categories.contains("Fire")) {
        return Posture.EVACUATE;
      }
      if (categories.stream().anyMatch(Set.of("Met", "Geo", "CBRNE", "Env")::contains)) {
        return Posture.SHELTER;
      }
      return Posture.HOLD;
    }
  }

  /** Least to most demanding. */
  static final List<Posture> SEVERITY = List.of(Posture.HOLD, Posture.SECURE, Posture.SHELTER, Posture.LOCKDOWN,
      Posture.EVACUATE);

  private static final Pattern REGION = Pattern.compile("\\d{2}|\\d{4}|\\d{6}");

  private CapInbound() {}

  /** The alert, or an {@link ApiException} (400) naming what is wrong. */
  public static Alert read(byte[] body) {
    Document document = parse(body);
    try {
      CapSchema.validate(document);
    } catch (SAXException e) {
      throw ApiException.invalid(List.of(new Problem.FieldError("alert",
          "is not a valid CAP 1.2 alert: " + describe(e))));
    }
    Element alert = document.getDocumentElement();
    var errors = new ArrayList<Problem.FieldError>();
    var infos = new ArrayList<Info>();
    List<Element> infoElements = children(alert, "info");
    for (int i = 0; i < infoElements.size(); i++) {
      Element info = infoElements.get(i);
      var areas = new ArrayList<CapArea>();
      List<Element> areaElements = children(info, "area");
      for (int a = 0; a < areaElements.size(); a++) {
        areas.add(area(areaElements.get(a), "info[" + i + "].area[" + a + "]", errors));
      }
      infos.add(new Info(texts(info, "category"), text(info, "event"), texts(info, "responseType"),
          text(info, "instruction"), areas));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    String references = text(alert, "references");
    return new Alert(text(alert, "identifier"), text(alert, "sender"), text(alert, "sent"), text(alert, "status"),
        text(alert, "msgType"), references == null ? List.of() : List.of(references.strip().split("\\s+")), infos);
  }

  private static CapArea area(Element area, String field, List<Problem.FieldError> errors) {
    var polygons = new ArrayList<CapArea.Polygon>();
    List<String> polygonTexts = texts(area, "polygon");
    for (int k = 0; k < polygonTexts.size(); k++) {
      try {
        polygons.add(CapArea.polygon(polygonTexts.get(k)));
      } catch (IllegalArgumentException e) {
        errors.add(new Problem.FieldError(field + ".polygon[" + k + "]", e.getMessage()));
      }
    }
    var circles = new ArrayList<CapArea.Circle>();
    List<String> circleTexts = texts(area, "circle");
    for (int k = 0; k < circleTexts.size(); k++) {
      try {
        circles.add(CapArea.circle(circleTexts.get(k)));
      } catch (IllegalArgumentException e) {
        errors.add(new Problem.FieldError(field + ".circle[" + k + "]", e.getMessage()));
      }
    }
    var regions = new ArrayList<String>();
    for (Element geocode : children(area, "geocode")) {
      String name = text(geocode, "valueName");
      String value = text(geocode, "value");
      if (CapAlerts.REGION_CODE_LIST.equals(name) && value != null) {
        String prefix = regionPrefix(value.strip());
        if (prefix != null) {
          regions.add(prefix);
        }
      }
    }
    return new CapArea(polygons, circles, regions);
  }

  /** A GB/T 2260 code as a region prefix: 650000 → 65, 650100 → 6501, 650102 → 650102. */
  static String regionPrefix(String code) {
    if (!REGION.matcher(code).matches()) {
      return null;
    }
    String prefix = code;
    while (prefix.length() > 2 && prefix.endsWith("00")) {
      prefix = prefix.substring(0, prefix.length() - 2);
    }
    return prefix;
  }

  // --- XML ------------------------------------------------------------------------------

  private static final DocumentBuilderFactory FACTORY = factory();

  private static DocumentBuilderFactory factory() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      return f;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser cannot be made safe", e);
    }
  }

  private static Document parse(byte[] body) {
    try {
      DocumentBuilder builder = FACTORY.newDocumentBuilder();
      builder.setErrorHandler(new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
          throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
          throw e;
        }
      });
      builder.setEntityResolver((publicId, systemId) -> {
        throw new SAXException("external entities are not accepted");
      });
      return builder.parse(new ByteArrayInputStream(body));
    } catch (SAXException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("DOCTYPE")) {
        throw ApiException.badRequest("the alert must not contain a DTD (DOCTYPE): entities are not accepted");
      }
      throw ApiException.badRequest("the body is not well-formed XML: " + describe(e));
    } catch (IOException | ParserConfigurationException e) {
      throw ApiException.badRequest("the body could not be read as XML");
    }
  }

  /** The parser's message with its position, cut short and stripped of anything but printable text. */
  private static String describe(SAXException e) {
    String where = e instanceof SAXParseException p && p.getLineNumber() > 0
        ? " (line " + p.getLineNumber() + ", column " + p.getColumnNumber() + ")" : "";
    String message = String.valueOf(e.getMessage()).replaceAll("[^\\x20-\\x7E]", "?");
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    return message + where;
  }

  private static List<Element> children(Element parent, String name) {
    var found = new ArrayList<Element>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && CapAlerts.NAMESPACE.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
        found.add(e);
      }
    }
    return found;
  }

  private static String text(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0).getTextContent();
  }

  private static List<String> texts(Element parent, String name) {
    return children(parent, name).stream().map(Element::getTextContent).map(String::strip).toList();
  }
}
