package dev.kiln.server;

import java.time.Instant;

/**
 * One masked output line of a run.
 *
 * @param id increasing over the whole history: a reader asks for the lines after the last it saw
 * @param task the task that wrote it, or {@code ""} for the server's own lines
 */
public record LogLine(long id, long runId, String task, Instant at, String line) {}
