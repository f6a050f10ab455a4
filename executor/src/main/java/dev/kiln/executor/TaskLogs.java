package dev.kiln.executor;

import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.planner.Plan;
import dev.kiln.planner.llb.Definition;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Keeps each task's full output of the last run, as plain progress lines, one file per task in a
 * directory ({@code .kiln/logs/<task>.log}); a new run replaces them. Behind a {@link
 * MaskingListener} like any output, so nothing kept holds a secret. A file that cannot be written
 * is given up, and said once after the run ({@link #problem}).
 */
public final class TaskLogs implements PlanRunner.Listener {
  private static final String SUFFIX = ".log";

  private final Path directory;
  private final Map<String, PlainProgress> open = new HashMap<>();
  private final Map<String, PrintWriter> files = new HashMap<>();
  private String problem;

  /** @param directory where the logs are kept (inside the project; made when missing) */
  public TaskLogs(Path directory) {
    this.directory = directory;
  }

  @Override
  public synchronized void runStarted(Plan plan) {
    try {
      Files.createDirectories(directory);
      try (DirectoryStream<Path> old = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
        for (Path f : old) {
          if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(f);
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      failed(e);
    }
  }

  @Override
  public synchronized void taskStarted(String task) {
    log(task).ifPresent(p -> p.taskStarted(task));
  }

  @Override
  public synchronized void status(String task, Definition definition, StatusResponse update) {
    log(task).ifPresent(p -> p.status(task, definition, update));
  }

  @Override
  public synchronized void functionLog(String task, String line) {
    log(task).ifPresent(p -> p.functionLog(task, line));
  }

  @Override
  public synchronized void warning(String task, String message) {
    log(task).ifPresent(p -> p.warning(task, message));
  }

  @Override
  public synchronized void exported(String task, String destination) {
    log(task).ifPresent(p -> p.exported(task, destination));
  }

  @Override
  public synchronized void taskFinished(TaskOutcome outcome) {
    log(outcome.task()).ifPresent(p -> p.taskFinished(outcome));
    PrintWriter w = files.remove(outcome.task());
    open.remove(outcome.task());
    if (w != null) {
      w.close();
      if (w.checkError() && problem == null) {
        problem = "the log of task " + outcome.task() + " could not be written completely";
      }
    }
  }

  @Override
  public synchronized void runFinished(RunReport report) {
    files.values().forEach(PrintWriter::close);
    files.clear();
    open.clear();
  }

  /** Why some log could not be kept, if one could not. */
  public synchronized Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  private Optional<PlainProgress> log(String task) {
    PlainProgress p = open.get(task);
    if (p == null) {
      try {
        PrintWriter w = new PrintWriter(Files.newBufferedWriter(file(directory, task), StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS));
        files.put(task, w);
        p = new PlainProgress(w);
        open.put(task, p);
      } catch (IOException | UncheckedIOException e) {
        failed(e);
        return Optional.empty();
      }
    }
    return Optional.of(p);
  }

  private void failed(Exception e) {
    if (problem == null) {
      problem = "task logs cannot be kept in " + directory + ": " + e.getMessage();
    }
  }

  /** The file of {@code task}'s log in {@code directory}: its name encoded, so that any name is one safe file name. */
  public static Path file(Path directory, String task) {
    return directory.resolve(URLEncoder.encode(task, StandardCharsets.UTF_8).replace("*", "%2A") + SUFFIX);
  }

  /** The logs kept in {@code directory}, by task name. */
  public static Map<String, Path> kept(Path directory) throws IOException {
    Map<String, Path> logs = new TreeMap<>();
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      return logs;
    }
    try (DirectoryStream<Path> all = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path f : all) {
        String name = f.getFileName().toString();
        if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          logs.put(URLDecoder.decode(name.substring(0, name.length() - SUFFIX.length()), StandardCharsets.UTF_8), f);
        }
      }
    }
    return logs;
  }
}
