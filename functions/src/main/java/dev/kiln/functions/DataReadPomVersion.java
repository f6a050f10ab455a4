package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/** {@code data.readPomVersion(path)}: a Maven project's version, from its {@code pom.xml}. */
public final class DataReadPomVersion implements KilnFunction {
  private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]*)}");

  @Override
  public Signature signature() {
    return Signature.builder("data", "readPomVersion")
        .doc("The version of the Maven project whose POM is at [path]: its `<version>`, or its parent's"
            + " `<parent><version>` when it has none. `${property}` references are resolved from the POM's own"
            + " `<properties>` (e.g. CI-friendly `${revision}`); anything else unresolved is an error, as Kiln"
            + " does not run Maven.")
        .param(Parameter.required("path", ValueType.STRING, "The POM, relative to the project root, e.g. `pom.xml`."))
        .returns(ValueType.STRING)
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    String path = args.string("path");
    Element project = parse(ProjectFiles.bytes(context, path), path).getDocumentElement();
    if (!"project".equals(project.getLocalName())) {
      throw new FunctionException(path + " is not a Maven POM: its root element is <" + project.getLocalName()
          + ">, not <project>");
    }
    String version = childText(project, "version");
    String from = "<version>";
    if (version == null) {
      Element parent = child(project, "parent");
      version = parent == null ? null : childText(parent, "version");
      from = "<parent><version>";
    }
    if (version == null) {
      throw new FunctionException(path + " has neither a <version> nor a <parent><version>");
    }
    return resolve(version, properties(project), path, from);
  }

  private static String resolve(String version, Map<String, String> properties, String path, String from)
      throws FunctionException {
    String resolved = version;
    // Properties may refer to properties; a bounded number of rounds also ends cycles.
    for (int round = 0; round < 10 && resolved.contains("${"); round++) {
      Matcher m = PROPERTY.matcher(resolved);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String value = properties.get(m.group(1));
        m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
      }
      m.appendTail(out);
      if (out.toString().equals(resolved)) {
        break;
      }
      resolved = out.toString();
    }
    Matcher left = PROPERTY.matcher(resolved);
    if (left.find()) {
      throw new FunctionException("the " + from + " of " + path + " is `" + version + "`, and " + left.group()
          + " is not a property of that POM, so Kiln cannot resolve it (it does not run Maven, whose command"
          + " line, settings or parent POM may set it); define it in the POM's <properties>, or write the"
          + " version literally");
    }
    if (resolved.isBlank()) {
      throw new FunctionException("the " + from + " of " + path + " is empty");
    }
    return resolved;
  }

  private static Map<String, String> properties(Element project) {
    Map<String, String> props = new LinkedHashMap<>();
    Element properties = child(project, "properties");
    if (properties != null) {
      for (Node n = properties.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e) {
          props.put(e.getLocalName(), e.getTextContent().strip());
        }
      }
    }
    return props;
  }

  /**
   * Parses XML with everything external off: a DOCTYPE is refused outright, so no entity can read
   * a file or reach the network (XXE) and none can expand exponentially (billion laughs).
   */
  private static org.w3c.dom.Document parse(byte[] xml, String path) throws FunctionException {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(null); // errors are thrown, not also printed to stderr
      return builder.parse(new ByteArrayInputStream(xml));
    } catch (SAXParseException e) {
      String message = e.getMessage();
      if (message != null && message.contains("DOCTYPE")) {
        message = "a DOCTYPE declaration is not allowed (its entities could read files or reach the network);"
            + " a POM needs none";
      }
      throw new FunctionException(path + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": " + message, e);
    } catch (SAXException | IOException e) {
      throw new FunctionException("cannot parse " + path + ": " + e.getMessage(), e);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a security feature", e);
    }
  }

  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(e.getLocalName())) {
        return e;
      }
    }
    return null;
  }

  private static String childText(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().strip();
  }
}
