package dev.kiln.executor.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registry credentials as the docker CLI keeps them: {@code config.json} in {@code $DOCKER_CONFIG}
 * (else {@code ~/.docker}), with a {@code credHelpers} helper per registry, a default
 * {@code credsStore} helper, and inline {@code auths} ({@code auth}: base64 of {@code user:password},
 * or an {@code identitytoken}). Each registry is looked up once per run (helpers are programs), and
 * what was found is kept: the secrets for the masker, the answers for telling a refused credential
 * from a missing one.
 */
public final class DockerCredentials {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The key the docker CLI files Docker Hub's credentials under. */
  static final String DOCKER_HUB = "https://index.docker.io/v1/";

  private final Path file;
  private final JsonNode config;
  private final RegistryCredentialsException unreadable;
  private final String helperPath;
  private final Map<String, Lookup> lookups = new ConcurrentHashMap<>();

  /** What a lookup found for a registry. */
  public sealed interface Lookup {
    /** A credential. */
    record Found(RegistryCredential credential) implements Lookup {}

    /** Nothing for this registry: requests go anonymously. */
    record None() implements Lookup {}

    /** The configuration could not answer (a missing or failing helper, a broken file). */
    record Failed(RegistryCredentialsException error) implements Lookup {}
  }

  private DockerCredentials(Path file, JsonNode config, RegistryCredentialsException unreadable, String helperPath) {
    this.file = file;
    this.config = config;
    this.unreadable = unreadable;
    this.helperPath = helperPath;
  }

  /** The configuration of this user: {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
  public static DockerCredentials load(Map<String, String> env) {
    String dir = env.get("DOCKER_CONFIG");
    Path file = dir != null && !dir.isEmpty()
        ? Path.of(dir, "config.json")
        : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    return from(file, env.get("PATH"));
  }

  /**
   * The configuration in {@code file} (none there: every registry is anonymous); credential helpers
   * are looked up on {@code helperPath}, a PATH value.
   */
  public static DockerCredentials from(Path file, String helperPath) {
    String why;
    Exception cause = null;
    try {
      JsonNode config = JSON.readTree(Files.readAllBytes(file));
      if (config != null && config.isObject()) {
        return new DockerCredentials(file, config, null, helperPath);
      }
      why = "not a JSON object";
    } catch (NoSuchFileException e) {
      return new DockerCredentials(file, JSON.createObjectNode(), null, helperPath);
    } catch (IOException e) {
      // Not Jackson's message: it quotes the text it choked on, which may be a credential.
      why = e instanceof JsonProcessingException j && j.getLocation() != null
          ? "not valid JSON (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")"
          : e.getMessage();
      cause = e instanceof JsonProcessingException ? null : e;
    }
    return new DockerCredentials(file, JSON.createObjectNode(), new RegistryCredentialsException("",
        "cannot read the Docker configuration " + file + ": " + why,
        "fix the file (`docker login` rewrites it), or point DOCKER_CONFIG at another directory", cause),
        helperPath);
  }

  /** No configuration: every registry is anonymous. */
  public static DockerCredentials none() {
    return new DockerCredentials(Path.of("/dev/null"), JSON.createObjectNode(), null, null);
  }

  /** The configuration file, for messages. */
  public Path file() {
    return file;
  }

  /**
   * The credential for registry {@code host} ({@code docker.io} or {@code registry-1.docker.io}
   * for Docker Hub): its {@code credHelpers} helper, else the {@code credsStore} helper, else its
   * {@code auths} entry.
   *
   * @return empty for an anonymous registry
   * @throws RegistryCredentialsException if the configuration cannot answer
   */
  public Optional<RegistryCredential> lookup(String host) {
    Lookup l = answer(host);
    if (l instanceof Lookup.Failed f) {
      throw f.error();
    }
    return l instanceof Lookup.Found found ? Optional.of(found.credential()) : Optional.empty();
  }

  /** What the lookup of {@code host} found (looking it up now if it was not yet). */
  public Lookup answer(String host) {
    return lookups.computeIfAbsent(canonicalHost(host), h -> {
      try {
        return find(h).<Lookup>map(Lookup.Found::new).orElseGet(Lookup.None::new);
      } catch (RegistryCredentialsException e) {
        return new Lookup.Failed(e);
      }
    });
  }

  /**
   * Looks up every one of {@code hosts}.
   *
   * @return the secrets of the credentials found, for the run's masker
   * @throws RegistryCredentialsException for the first registry the configuration cannot answer for
   */
  public List<byte[]> lookupAll(Collection<String> hosts) {
    List<byte[]> secrets = new ArrayList<>();
    for (String host : hosts) {
      lookup(host).ifPresent(c -> secrets.add(c.secret().getBytes(StandardCharsets.UTF_8)));
    }
    return secrets;
  }

  /** What the lookup of {@code host} found, if it was looked up. */
  public Optional<Lookup> answered(String host) {
    return Optional.ofNullable(lookups.get(canonicalHost(host)));
  }

  /** Where a lookup for {@code host} looked, for a message saying none was found. */
  public String whereLooked(String host) {
    return (config.has("credsStore") ? "credsStore, " : "") + "credHelpers and auths of " + file;
  }

  private Optional<RegistryCredential> find(String host) {
    if (unreadable != null) {
      throw unreadable;
    }
    String server = serverAddress(host);
    String helper = entryFor(config.path("credHelpers"), host).map(n -> n.asText("")).orElse("");
    if (!helper.isEmpty()) {
      return CredentialHelper.find(helper, helperPath, "credHelpers in " + file, host).get(server, host);
    }
    String store = config.path("credsStore").asText("");
    if (!store.isEmpty()) {
      Optional<RegistryCredential> stored =
          CredentialHelper.find(store, helperPath, "credsStore in " + file, host).get(server, host);
      if (stored.isPresent()) {
        return stored;
      }
    }
    return entryFor(config.path("auths"), host).flatMap(e -> inline(e, host));
  }

  private Optional<RegistryCredential> inline(JsonNode entry, String host) {
    String origin = "auths in " + file;
    String token = entry.path("identitytoken").asText("");
    if (!token.isEmpty()) {
      return Optional.of(new RegistryCredential.IdentityToken(token, origin));
    }
    String auth = entry.path("auth").asText("");
    if (auth.isEmpty()) {
      return Optional.empty(); // `{}`: a placeholder for a store's entry
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new RegistryCredentialsException(host, "the `auth` of registry " + host + " in " + file
          + " is not base64", "run `docker login " + host + "` to write it again", null);
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new RegistryCredentialsException(host, "the `auth` of registry " + host + " in " + file
          + " is not `user:password` in base64", "run `docker login " + host + "` to write it again", null);
    }
    return Optional.of(new RegistryCredential.Password(decoded.substring(0, colon), decoded.substring(colon + 1),
        origin));
  }

  /** The member of {@code section} for {@code host}: keys may carry a scheme and a path, as old logins wrote them. */
  private static Optional<JsonNode> entryFor(JsonNode section, String host) {
    for (Iterator<Map.Entry<String, JsonNode>> it = section.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (canonicalHost(e.getKey()).equals(host)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  /** What helpers are asked for: Docker Hub's historical key, else the host itself. */
  public static String serverAddress(String host) {
    return canonicalHost(host).equals("index.docker.io") ? DOCKER_HUB : canonicalHost(host);
  }

  /** {@code host} without a scheme or path, lower case; Docker Hub's names as {@code index.docker.io}. */
  static String canonicalHost(String key) {
    String h = key.strip().toLowerCase(Locale.ROOT);
    int scheme = h.indexOf("://");
    if (scheme >= 0) {
      h = h.substring(scheme + 3);
    }
    int slash = h.indexOf('/');
    if (slash >= 0) {
      h = h.substring(0, slash);
    }
    return switch (h) {
      case "docker.io", "registry-1.docker.io", "index.docker.io" -> "index.docker.io";
      default -> h;
    };
  }
}
