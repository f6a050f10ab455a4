package dev.kiln.planner.llb;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A normalised image reference, as BuildKit's {@code llb.Image} writes it: {@code busybox} is
 * {@code docker.io/library/busybox:latest}; a digest is kept, and pins the content.
 *
 * @param domain registry host, e.g. {@code docker.io} or {@code 127.0.0.1:5000}
 * @param path repository path, e.g. {@code library/busybox}
 * @param tag tag, or empty when only a digest is given
 * @param digest {@code sha256:<hex>}, or empty
 */
public record ImageRef(String domain, String path, String tag, String digest) {
  private static final String DEFAULT_DOMAIN = "docker.io";
  private static final Pattern PATH =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

  public ImageRef {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(digest, "digest");
    if (!PATH.matcher(path).matches()) {
      throw new IllegalArgumentException("invalid repository name: " + path);
    }
    if (!tag.isEmpty() && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("invalid tag: " + tag);
    }
    if (!digest.isEmpty() && !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException("invalid digest (expected sha256:<64 hex>): " + digest);
    }
    if (tag.isEmpty() && digest.isEmpty()) {
      tag = "latest";
    }
  }

  /**
   * Parses and normalises a reference such as {@code busybox}, {@code eclipse-temurin:17},
   * {@code 127.0.0.1:5000/team/app@sha256:...}.
   *
   * @throws IllegalArgumentException if {@code reference} is not a valid image reference
   */
  public static ImageRef parse(String reference) {
    String rest = reference;
    String digest = "";
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = "";
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String domain = DEFAULT_DOMAIN;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      // Same rule as the Docker reference library: a first component is a registry host when
      // it looks like one (dot, port, localhost, or upper case, which repositories cannot have).
      if (first.contains(".") || first.contains(":") || first.equals("localhost")
          || !first.equals(first.toLowerCase(Locale.ROOT))) {
        domain = first.equals("index.docker.io") ? DEFAULT_DOMAIN : first;
        rest = rest.substring(slash + 1);
      }
    }
    if (domain.equals(DEFAULT_DOMAIN) && rest.indexOf('/') < 0) {
      rest = "library/" + rest;
    }
    if (rest.isEmpty()) {
      throw new IllegalArgumentException("invalid image reference: " + reference);
    }
    return new ImageRef(domain, rest, tag, digest);
  }

  /** This reference pinned to {@code digest}; the tag stays for people reading it. */
  public ImageRef withDigest(String digest) {
    return new ImageRef(domain, path, tag, digest);
  }

  /** This reference without a digest. */
  public ImageRef withoutDigest() {
    return new ImageRef(domain, path, tag.isEmpty() ? "latest" : tag, "");
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(domain).append('/').append(path);
    if (!tag.isEmpty()) {
      s.append(':').append(tag);
    }
    if (!digest.isEmpty()) {
      s.append('@').append(digest);
    }
    return s.toString();
  }
}
