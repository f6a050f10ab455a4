package dev.kiln.testsupport;

import java.io.IOException;
import java.io.StringReader;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.xml.sax.SAXException;

/** Checks a JUnit XML report against the shape common readers accept ({@code junit.xsd} beside this class). */
public final class JUnitSchema {
  private JUnitSchema() {}

  /**
   * Validates {@code xml} with a strict parser (no external entities or DTDs).
   *
   * @throws SAXException naming what is wrong, when it is not a valid report
   */
  public static void validate(String xml) throws SAXException, IOException {
    SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    Schema schema = factory.newSchema(JUnitSchema.class.getResource("junit.xsd"));
    var validator = schema.newValidator();
    validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    validator.validate(new StreamSource(new StringReader(xml)));
  }
}
