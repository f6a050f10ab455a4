/**
 * Kiln's built-in functions: {@code git}, {@code semver}, {@code checksum}, {@code data} and
 * {@code http}. Each public class is one {@link dev.kiln.function.KilnFunction}, registered in
 * {@code META-INF/services}; the package-private classes are what they share.
 */
package dev.kiln.functions;
