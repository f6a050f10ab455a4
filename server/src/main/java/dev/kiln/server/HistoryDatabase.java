package dev.kiln.server;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

/**
 * Where the run history is kept: SQLite in a file (the default: nothing to set up) or a PostgreSQL
 * database a team's servers share. The password, when the database needs one, is held apart from
 * the URL so that the URL can be shown; a URL that carries one is refused.
 *
 * @param kind the database's kind, from the URL
 * @param url the JDBC URL, without a password
 * @param password the password, or null
 */
public record HistoryDatabase(Kind kind, String url, String password) {

  /** The databases the history can live in, each with its own migrations ({@code db/migration/<name>}). */
  public enum Kind {
    SQLITE("jdbc:sqlite:"),
    POSTGRESQL("jdbc:postgresql:");

    private final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }

    /** The folder of this kind's Flyway migrations. */
    String migrations() {
      return "classpath:db/migration/" + name().toLowerCase(Locale.ROOT);
    }
  }

  public HistoryDatabase {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(url, "url");
  }

  /** SQLite in {@code file}. */
  public static HistoryDatabase sqlite(Path file) {
    return new HistoryDatabase(Kind.SQLITE, Kind.SQLITE.prefix + file.toAbsolutePath(), null);
  }

  /**
   * The database of a JDBC URL ({@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://HOST:PORT/DB?user=NAME}).
   *
   * @param password the password, from a file or the environment; null when none is needed
   * @throws IllegalArgumentException when the URL is of another database or carries a password
   */
  public static HistoryDatabase of(String url, String password) {
    for (Kind k : Kind.values()) {
      if (url.startsWith(k.prefix)) {
        if (url.toLowerCase(Locale.ROOT).matches("(?s).*[?&;]password=.*")) {
          throw new IllegalArgumentException("the database URL must not carry the password (it would be shown and"
              + " seen in the process list): give it in a file or the environment instead");
        }
        return new HistoryDatabase(k, url, password);
      }
    }
    throw new IllegalArgumentException("the history's database must be SQLite (jdbc:sqlite:FILE) or PostgreSQL"
        + " (jdbc:postgresql://HOST:PORT/DATABASE?user=NAME), not " + url);
  }

  /** The connection's properties: the password, when there is one. */
  Properties properties() {
    Properties p = new Properties();
    if (password != null) {
      p.setProperty("password", password);
    }
    return p;
  }

  @Override
  public String toString() {
    return url; // never the password
  }
}
