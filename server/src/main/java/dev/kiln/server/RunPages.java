package dev.kiln.server;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The web page's HTML: the list of runs (filtered by branch and status) and one run with its tasks
 * and its output, which follows the run live through server-sent events. No scripts or styles from
 * elsewhere; every value is escaped.
 */
final class RunPages {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
      .withZone(ZoneOffset.UTC);
  private static final String STYLE = """
      body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
      table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}
      .succeeded{color:#1a7f37}.failed,.error{color:#cf222e}.running,.queued{color:#9a6700}
      .cancelled,.skipped,.interrupted{color:#6e7781}
      pre{background:#f6f8fa;padding:1em;overflow:auto;max-height:60vh}code{font-size:13px}
      form{margin:1em 0}a{color:#0969da}
      .node rect{fill:#f6f8fa;stroke:#8c959f}.node text{font-size:12px}.node .detail{fill:#57606a}
      .node.succeeded rect{fill:#dafbe1;stroke:#1a7f37}.node.failed rect{fill:#ffebe9;stroke:#cf222e}
      .node.running rect{fill:#fff8c5;stroke:#9a6700}.node.pending rect{fill:#fff;stroke-dasharray:4 3}""";

  private RunPages() {}

  static String list(List<RunRecord> runs, List<CacheHits> cache, String branch, String status) {
    StringBuilder b = page("Kiln runs");
    b.append("<h1>Runs</h1><h2>Cache hits</h2>").append(CacheChart.html(cache)).append("<form method=get>branch <input name=branch value=\"").append(esc(branch))
        .append("\"> status <select name=status><option value=\"\">any</option>");
    for (RunStatus s : RunStatus.values()) {
      b.append("<option").append(s.label().equals(status) ? " selected" : "").append('>').append(s.label())
          .append("</option>");
    }
    b.append("</select> <button>filter</button></form>");
    b.append("<table id=runs><tr><th>run</th><th>status</th><th>event</th><th>branch</th><th>commit</th>"
        + "<th>trigger</th><th>queued</th><th>duration</th></tr>");
    for (RunRecord r : runs) {
      b.append("<tr data-run=").append(r.id()).append("><td><a href=\"/runs/").append(r.id()).append("\">#")
          .append(r.id()).append("</a></td><td class=").append(r.status().label()).append('>')
          .append(r.status().label()).append("</td><td>").append(esc(r.event())).append(r.pullRequest() != null
              ? " #" + r.pullRequest() : "").append("</td><td>").append(esc(r.branch())).append("</td><td><code>")
          .append(r.commit() == null ? "" : esc(r.commit().substring(0, 12))).append("</code></td><td>")
          .append(esc(r.trigger())).append("</td><td>").append(TIME.format(r.queuedAt())).append("</td><td>")
          .append(r.duration().map(RunPages::duration).orElse("")).append("</td></tr>");
    }
    return b.append("</table>").append(runs.isEmpty() ? "<p>No runs yet.</p>" : "").append("</body></html>")
        .toString();
  }

  static String run(RunRecord r, List<TaskRecord> tasks) {
    StringBuilder b = page("Kiln run " + r.id());
    b.append("<p><a href=\"/\">all runs</a></p><h1>Run #").append(r.id()).append(" <span id=status class=")
        .append(r.status().label()).append('>').append(r.status().label()).append("</span></h1><table>")
        .append(row("event", r.source() + " " + r.event() + (r.pullRequest() != null ? " #" + r.pullRequest() : "")))
        .append(row("branch", r.branch())).append(row("commit", r.commit())).append(row("trigger", r.trigger()))
        .append(row("params", r.params().toString())).append(row("queued", TIME.format(r.queuedAt())))
        .append(row("message", r.message())).append("</table><h2>Tasks</h2><div id=tasks>")
        .append(tasks(tasks)).append("</div><h2>Output</h2><pre id=log></pre>");
    b.append("<script>\n")
        .append("const log=document.getElementById('log'),tasks=document.getElementById('tasks');\n")
        .append("const src=new EventSource('/api/runs/").append(r.id()).append("/events');\n")
        .append("src.addEventListener('line',e=>{const l=JSON.parse(e.data);")
        .append("log.append((l.task?'['+l.task+'] ':'')+l.line+'\\n');});\n")
        .append("src.addEventListener('tasks',e=>{tasks.innerHTML=e.data;});\n")
        .append("src.addEventListener('status',e=>{const s=document.getElementById('status');")
        .append("s.textContent=e.data;s.className=e.data;});\n")
        .append("src.addEventListener('end',()=>src.close());\n</script></body></html>");
    return b.toString();
  }

  /** A run's task graph and task table (also sent to the page as they change). */
  static String tasks(List<TaskRecord> tasks) {
    return TaskGraph.svg(tasks) + "<table id=task-table>" + taskRows(tasks) + "</table>";
  }

  private static String taskRows(List<TaskRecord> tasks) {
    StringBuilder b = new StringBuilder("<tr><th>task</th><th>status</th><th>duration</th><th>steps</th>"
        + "<th>cached</th><th>error</th></tr>");
    for (TaskRecord t : tasks) {
      b.append("<tr data-task=\"").append(esc(t.name())).append("\"><td>").append(esc(t.name()))
          .append("</td><td class=").append(esc(t.status())).append('>').append(esc(t.status())).append("</td><td>")
          .append(t.durationMs() == null ? "" : duration(Duration.ofMillis(t.durationMs()))).append("</td><td>")
          .append(t.steps()).append("</td><td>").append(t.cachedSteps()).append("</td><td>").append(esc(t.error()))
          .append("</td></tr>");
    }
    return b.toString();
  }

  private static StringBuilder page(String title) {
    return new StringBuilder("<!doctype html><html lang=en><head><meta charset=utf-8><title>").append(esc(title))
        .append("</title><style>").append(STYLE).append("</style></head><body>");
  }

  private static String row(String name, String value) {
    return "<tr><th>" + name + "</th><td>" + esc(value) + "</td></tr>";
  }

  static String duration(Duration d) {
    long ms = d.toMillis();
    return ms < 60_000 ? String.format(Locale.ROOT, "%.1fs", ms / 1000.0)
        : String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, ms / 1000 % 60);
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
