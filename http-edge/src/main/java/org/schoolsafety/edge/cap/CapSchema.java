package org.schoolsafety.edge.cap;

import java.io.IOException;
import java.io.StringReader;
import java.net.URL;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.xml.sax.SAXException;

/**
 * The official OASIS CAP 1.2 schema (resource {@code cap/CAP-v1.2.xsd}, unchanged), with the JDK's
 * validator. Validation neither reads DTDs nor fetches anything: external access is off.
 */
public final class CapSchema {

  private static final Schema SCHEMA = load();

  private CapSchema() {}

  private static Schema load() {
    try {
      SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      URL xsd = CapSchema.class.getResource("/cap/CAP-v1.2.xsd");
      return factory.newSchema(xsd);
    } catch (SAXException e) {
      throw new IllegalStateException("cannot load the CAP 1.2 schema", e);
    }
  }

  /** Validates a document already parsed (safely, without DTD); throws naming the first schema error. */
  public static void validate(org.w3c.dom.Document document) throws SAXException {
    Validator validator = SCHEMA.newValidator();
    try {
      validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      validator.validate(new javax.xml.transform.dom.DOMSource(document));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Throws {@link SAXException} naming the first schema error. */
  public static void validate(String xml) throws SAXException {
    Validator validator = SCHEMA.newValidator();
    try {
      validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      validator.validate(new StreamSource(new StringReader(xml)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
