package dev.kiln.server;

import java.time.Instant;

/**
 * How many of a finished run's steps came from the cache.
 *
 * @param steps the steps its tasks reported
 * @param cached how many of them were cache hits
 */
public record CacheHits(long runId, Instant finishedAt, long steps, long cached) {

  /** The share of steps that were cache hits, 0 to 1. */
  public double rate() {
    return steps == 0 ? 0 : (double) cached / steps;
  }
}
