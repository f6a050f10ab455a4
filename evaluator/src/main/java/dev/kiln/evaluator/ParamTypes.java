package dev.kiln.evaluator;

import java.util.ArrayList;
import java.util.List;
import org.pkl.core.PClassInfo;
import org.pkl.core.PType;

/** What Kiln needs to know about a parameter's Pkl type: how to show it and its JSON kind. */
final class ParamTypes {
  private ParamTypes() {}

  /** The JSON kinds a parameter value can have. */
  enum Kind {
    STRING("string"), INTEGER("integer"), NUMBER("number"), BOOLEAN("boolean"), ARRAY("array"), OBJECT("object"),
    ANY(null);

    final String json;

    Kind(String json) {
      this.json = json;
    }
  }

  /** {@code type} as Pkl source, e.g. {@code String(!isEmpty)?}. */
  static String show(PType type) {
    if (type instanceof PType.Nullable n) {
      return show(n.getBaseType()) + "?";
    }
    if (type instanceof PType.Constrained c) {
      return show(c.getBaseType()) + "(" + String.join(", ", c.getConstraints()) + ")";
    }
    if (type instanceof PType.Alias a) {
      return a.getTypeAlias().getSimpleName();
    }
    if (type instanceof PType.Class c) {
      String name = c.getPClass().getSimpleName();
      if (c.getTypeArguments().isEmpty()) {
        return name;
      }
      List<String> args = new ArrayList<>();
      c.getTypeArguments().forEach(t -> args.add(show(t)));
      return name + "<" + String.join(", ", args) + ">";
    }
    if (type instanceof PType.StringLiteral s) {
      return "\"" + s.getLiteral() + "\"";
    }
    if (type instanceof PType.Union u) {
      List<String> parts = new ArrayList<>();
      u.getElementTypes().forEach(t -> parts.add(show(t)));
      return String.join("|", parts);
    }
    return type.toString();
  }

  /** The JSON kind of values of {@code type}. */
  static Kind kind(PType type) {
    if (type instanceof PType.Nullable n) {
      return kind(n.getBaseType());
    }
    if (type instanceof PType.Constrained c) {
      return kind(c.getBaseType());
    }
    if (type instanceof PType.Alias a) {
      return kind(a.getAliasedType());
    }
    if (type instanceof PType.StringLiteral) {
      return Kind.STRING;
    }
    if (type instanceof PType.Union u) {
      Kind k = null;
      for (PType t : u.getElementTypes()) {
        Kind e = kind(t);
        if (k != null && k != e) {
          return Kind.ANY;
        }
        k = e;
      }
      return k == null ? Kind.ANY : k;
    }
    if (type instanceof PType.Class c) {
      PClassInfo<?> info = c.getPClass().getInfo();
      if (info.equals(PClassInfo.String)) {
        return Kind.STRING;
      }
      if (info.equals(PClassInfo.Int)) {
        return Kind.INTEGER;
      }
      if (info.equals(PClassInfo.Float) || info.equals(PClassInfo.Number)) {
        return Kind.NUMBER;
      }
      if (info.equals(PClassInfo.Boolean)) {
        return Kind.BOOLEAN;
      }
      if (info.equals(PClassInfo.List) || info.equals(PClassInfo.Listing) || info.equals(PClassInfo.Set)
          || info.equals(PClassInfo.Collection)) {
        return Kind.ARRAY;
      }
      if (info.equals(PClassInfo.Map) || info.equals(PClassInfo.Mapping)
          || (!info.equals(PClassInfo.Any) && !info.equals(PClassInfo.Dynamic) && !info.equals(PClassInfo.Object)
              && !c.getPClass().getAllProperties().isEmpty())) {
        return Kind.OBJECT;
      }
    }
    return Kind.ANY;
  }

  /** Whether {@code type} admits null. */
  static boolean nullable(PType type) {
    return type instanceof PType.Nullable;
  }
}
