package dev.kiln.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.model.PipelineException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.pkl.core.PClass;
import org.pkl.core.PClassInfo;
import org.pkl.core.PType;

/**
 * A parameter value as Pkl source: a JSON value rendered as a literal of the parameter's declared
 * type, so a {@code List<String>} gets {@code List("a", "b")} and a {@code Mapping} an object
 * with entries. This is the only way user values enter the parameter module: every string becomes
 * an escaped literal (no interpolation, nothing that could end it early), every number is printed
 * from its parsed value, every property name is one the type declares. Pkl then type-checks the
 * result against the declaration. One instance renders one set of parameters and bounds its size,
 * counted after YAML aliases are expanded.
 */
final class PklLiteral {
  /** Values (strings counting their length) one set of parameters may expand to. */
  static final long MAX_WEIGHT = 16L << 20;

  private static final Pattern IDENTIFIER = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*");

  private long weight;

  /**
   * {@code value} as a literal of {@code type}, for a place where Pkl infers the type of a
   * {@code new { ... }} (a property, or an element or entry of a typed listing or mapping);
   * {@code what} names the value in errors, e.g. "parameter `names`".
   */
  String render(JsonNode value, PType type, String what) {
    return render(value, type, true, what);
  }

  private String render(JsonNode v, PType type, boolean inferred, String what) {
    weight += 1 + (v.isTextual() ? v.textValue().length() : 0);
    if (weight > MAX_WEIGHT) {
      throw new PipelineException("the parameter values are too large (over " + (MAX_WEIGHT >> 20)
          + " M values and characters, YAML aliases expanded)", null, "pass fewer or smaller values");
    }
    if (v.isNull()) {
      return "null"; // Pkl says whether the type admits it
    }
    PType t = resolve(type, v);
    if (!(t instanceof PType.Class c)) {
      return shaped(v, inferred, what); // unknown, a string literal type, or nothing matches: Pkl checks
    }
    PClassInfo<?> info = c.getPClass().getInfo();
    if (v.isNumber() && info.equals(PClassInfo.Float)) {
      return Double.toString(v.doubleValue()); // Pkl does not widen an Int to a Float
    }
    List<PType> args = c.getTypeArguments();
    PType element = args.isEmpty() ? PType.UNKNOWN : args.get(args.size() - 1);
    if (v.isArray() && (info.equals(PClassInfo.List) || info.equals(PClassInfo.Set)
        || info.equals(PClassInfo.Collection))) {
      String open = info.equals(PClassInfo.Set) ? "Set(" : "List(";
      return open + String.join(", ", elements(v, element, false, what)) + ")";
    }
    if (v.isArray() && info.equals(PClassInfo.Listing)) {
      return (inferred ? "new {" : "new Listing {") + body(elements(v, element, true, what)) + "}";
    }
    if (v.isObject() && info.equals(PClassInfo.Map)) {
      List<String> parts = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        var e = it.next();
        parts.add(string(e.getKey()));
        parts.add(render(e.getValue(), element, false, what + "[\"" + e.getKey() + "\"]"));
      }
      return "Map(" + String.join(", ", parts) + ")";
    }
    if (v.isObject() && info.equals(PClassInfo.Mapping)) {
      return (inferred ? "new {" : "new Mapping {") + body(entries(v, element, true, what)) + "}";
    }
    if (v.isObject() && !info.equals(PClassInfo.Dynamic) && !info.equals(PClassInfo.Any)
        && !c.getPClass().getAllProperties().isEmpty()) {
      return typed(v, c.getPClass(), inferred, what);
    }
    return shaped(v, inferred, what);
  }

  /** {@code type} without nullability, constraints and aliases; for a union, the member that fits {@code v}. */
  private static PType resolve(PType type, JsonNode v) {
    PType t = type;
    while (true) {
      if (t instanceof PType.Nullable n) {
        t = n.getBaseType();
      } else if (t instanceof PType.Constrained c) {
        t = c.getBaseType();
      } else if (t instanceof PType.Alias a) {
        t = a.getAliasedType();
      } else if (t instanceof PType.Union u) {
        PType fit = null;
        for (PType member : u.getElementTypes()) {
          if (fits(resolve(member, v), v)) {
            fit = member;
            break;
          }
        }
        t = fit == null ? PType.UNKNOWN : fit;
      } else {
        return t;
      }
    }
  }

  /** Whether {@code v} has the JSON shape of {@code type}'s values. */
  private static boolean fits(PType type, JsonNode v) {
    if (type instanceof PType.StringLiteral s) {
      return v.isTextual() && v.textValue().equals(s.getLiteral());
    }
    if (!(type instanceof PType.Class c)) {
      return false;
    }
    PClassInfo<?> info = c.getPClass().getInfo();
    if (v.isTextual()) {
      return info.equals(PClassInfo.String);
    }
    if (v.isIntegralNumber()) {
      return info.equals(PClassInfo.Int) || info.equals(PClassInfo.Number) || info.equals(PClassInfo.Float);
    }
    if (v.isNumber()) {
      return info.equals(PClassInfo.Float) || info.equals(PClassInfo.Number);
    }
    if (v.isBoolean()) {
      return info.equals(PClassInfo.Boolean);
    }
    if (v.isArray()) {
      return info.equals(PClassInfo.List) || info.equals(PClassInfo.Listing) || info.equals(PClassInfo.Set)
          || info.equals(PClassInfo.Collection);
    }
    return v.isObject() && !info.equals(PClassInfo.String) && !info.equals(PClassInfo.Int)
        && !info.equals(PClassInfo.Float) && !info.equals(PClassInfo.Boolean) && !info.equals(PClassInfo.List)
        && !info.equals(PClassInfo.Listing) && !info.equals(PClassInfo.Set);
  }

  /** An object of a class with declared properties: each key must be one of them. */
  private String typed(JsonNode v, PClass type, boolean inferred, String what) {
    if (!inferred) {
      throw new PipelineException(what + ": a `" + type.getSimpleName() + "` inside a List, Set or Map cannot"
          + " be given as a parameter value", null, "declare the parameter as a Listing or Mapping instead");
    }
    Map<String, PClass.Property> properties = type.getAllProperties();
    List<String> members = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      var e = it.next();
      PClass.Property p = properties.get(e.getKey());
      if (p == null || p.isHidden()) {
        throw new PipelineException(what + ": `" + type.getSimpleName() + "` has no property `" + e.getKey() + "`",
            null, "its properties: " + String.join(", ", properties.keySet()));
      }
      // The name is one the class declares: an identifier, quoted in case it is also a keyword.
      members.add("`" + e.getKey() + "` = " + render(e.getValue(), p.getType(), true, what + "." + e.getKey()));
    }
    return "new {" + body(members) + "}";
  }

  /** A value by its JSON shape alone: arrays become listings, objects dynamic objects. */
  private String shaped(JsonNode v, boolean inferred, String what) {
    if (v.isTextual()) {
      return string(v.textValue());
    }
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong()) {
        throw new PipelineException(what + ": " + v + " does not fit in a Pkl Int (64 bits)", null, null);
      }
      return Long.toString(v.longValue());
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      // Double.toString's forms (1.0E10, NaN, Infinity) are all Pkl float literals.
      return Double.toString(d);
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? "true" : "false";
    }
    if (v.isArray()) {
      return "new Listing {" + body(elements(v, PType.UNKNOWN, true, what)) + "}";
    }
    List<String> members = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      var e = it.next();
      String value = render(e.getValue(), PType.UNKNOWN, true, what + "." + e.getKey());
      // As pkl:json reads JSON: keys that are identifiers become properties, others entries.
      members.add(IDENTIFIER.matcher(e.getKey()).matches() ? "`" + e.getKey() + "` = " + value
          : "[" + string(e.getKey()) + "] = " + value);
    }
    return "new Dynamic {" + body(members) + "}";
  }

  private List<String> elements(JsonNode array, PType element, boolean inferred, String what) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      out.add(render(array.get(i), element, inferred, what + "[" + i + "]"));
    }
    return out;
  }

  private List<String> entries(JsonNode object, PType value, boolean inferred, String what) {
    List<String> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      var e = it.next();
      out.add("[" + string(e.getKey()) + "] = " + render(e.getValue(), value, inferred,
          what + "[\"" + e.getKey() + "\"]"));
    }
    return out;
  }

  private static String body(List<String> members) {
    return members.isEmpty() ? "" : "\n" + String.join("\n", members) + "\n";
  }

  /**
   * {@code s} as a single-line Pkl string literal: backslash, quote and every control character
   * escaped, so neither an interpolation ({@code \(}) nor a delimiter ({@code "}, {@code """}) nor a
   * line break can reach the source as such.
   */
  static String string(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7F || c == 0x2028 || c == 0x2029 || c == 0x85) {
            b.append("\\u{").append(Integer.toHexString(c)).append('}');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
