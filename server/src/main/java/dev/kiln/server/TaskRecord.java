package dev.kiln.server;

import java.time.Instant;

/**
 * A task of a run as the history holds it.
 *
 * @param status {@code running}, {@code succeeded}, {@code failed}, {@code cancelled} or {@code skipped}
 * @param durationMs how long it took, or null while it runs
 * @param steps how many steps the engine reported
 * @param cachedSteps how many of them came from the cache
 * @param exitCode a failed command's exit code, or null
 * @param error why it failed, or null
 */
public record TaskRecord(long runId, String name, String status, Instant startedAt, Instant finishedAt,
    Long durationMs, int steps, int cachedSteps, Integer exitCode, String error) {}
