package dev.kiln.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an option's value as the constant of {@code E} it spells (its {@code toString()}: the name
 * unless the enum says otherwise), ignoring case; anything else is a usage error that lists the
 * valid values in lower case ({@code expected text, json or dot, not 'yaml'}). Each enum option
 * names a subclass, as picocli makes converters from classes.
 */
abstract class EnumConverter<E extends Enum<E>> implements ITypeConverter<E> {
  private final Class<E> type;

  EnumConverter(Class<E> type) {
    this.type = type;
  }

  @Override
  public E convert(String value) {
    for (E e : type.getEnumConstants()) {
      if (e.toString().equalsIgnoreCase(value.trim())) {
        return e;
      }
    }
    throw new TypeConversionException("expected " + choices() + ", not '" + value + "'");
  }

  /** The spellings, as a person lists them: {@code text, json or dot}. */
  String choices() {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.toString().toLowerCase(Locale.ROOT));
    }
    String last = names.remove(names.size() - 1);
    return names.isEmpty() ? last : String.join(", ", names) + " or " + last;
  }
}
