package dev.kiln.evaluator;

import dev.kiln.model.CacheVolume;
import dev.kiln.model.Container;
import dev.kiln.model.ContainerOp;
import dev.kiln.model.DockerBuild;
import dev.kiln.model.Directory;
import dev.kiln.model.File;
import dev.kiln.model.FunctionCall;
import dev.kiln.model.Healthcheck;
import dev.kiln.model.Glob;
import dev.kiln.model.PipelineException;
import dev.kiln.model.RemoteCache;
import dev.kiln.model.Secret;
import dev.kiln.model.SecretSource;
import dev.kiln.model.Service;
import dev.kiln.model.SourceLocation;
import dev.kiln.model.Task;
import dev.kiln.model.TaskLimits;
import dev.kiln.model.Trigger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.pkl.core.Duration;
import org.pkl.core.PNull;
import org.pkl.core.PObject;

/**
 * Maps the evaluated Pkl values of Kiln's schema onto the model records, walking {@link PObject}s
 * by their schema class names. Pkl has already type-checked the values, so a mismatch here is a
 * Kiln bug (schema and reader out of step), reported as {@link IllegalStateException}.
 */
final class ModelReader {
  private final SourceIndex source;
  // Pkl exports shared values as equal copies; memoizing keeps the model's size linear.
  private final Map<PObject, Container> containers = new IdentityHashMap<>();
  private final Map<PObject, Directory> directories = new IdentityHashMap<>();

  ModelReader(SourceIndex source) {
    this.source = source;
  }

  Map<String, Task> tasks(Object value) {
    var tasks = new LinkedHashMap<String, Task>();
    map(value).forEach((name, t) -> tasks.put((String) name, task((String) name, obj(t))));
    return tasks;
  }

  private Task task(String name, PObject t) {
    var exports = new ArrayList<Task.Export>();
    map(t.getProperty("exports")).forEach((path, host) ->
        exports.add(new Task.Export((String) path, (String) host)));
    return new Task(name, str(t, "description"), strings(t.getProperty("dependsOn")),
        containerOrNull(t.getProperty("run")), exports, containerOrNull(t.getProperty("publish")),
        nullable(t.getProperty("ref")) == null ? "" : str(t, "ref"), source.task(name),
        strings(t.getProperty("results")), callOrNull(name, t.getProperty("call")), limits(t),
        strings(t.getProperty("reports")), strings(t.getProperty("platforms")));
  }

  private static TaskLimits limits(PObject t) {
    Object timeout = nullable(t.getProperty("timeout"));
    return new TaskLimits(timeout == null ? null : ((Duration) timeout).toJavaDuration(),
        ((Number) t.getProperty("retries")).intValue(), (Boolean) t.getProperty("retryAfterTimeout"));
  }

  private FunctionCall callOrNull(String task, Object value) {
    if (nullable(value) == null) {
      return null;
    }
    PObject call = obj(value);
    var args = new LinkedHashMap<String, Object>();
    map(call.getProperty("args")).forEach((name, arg) -> {
      if (!(name instanceof String n)) {
        throw new PipelineException("task `" + task + "` passes an argument named " + name + ", not a string",
            source.task(task), "name each argument by its parameter, e.g. `[\"file\"] = ...`");
      }
      Object v = argument(task, n, arg);
      if (v != null) { // an optional parameter set to null is left out
        args.put(n, v);
      }
    });
    return new FunctionCall(str(call, "name"), args);
  }

  /** A Pkl value as a function argument; Pkl's {@code Any} lets through values no function takes. */
  private Object argument(String task, String name, Object value) {
    Object v = nullable(value);
    if (v == null || v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return v;
    }
    if (v instanceof List<?> l) {
      var out = new ArrayList<Object>();
      for (Object e : l) {
        Object mapped = argument(task, name, e);
        if (mapped == null) {
          throw unsupported(task, name, "a list holding null");
        }
        out.add(mapped);
      }
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      var out = new LinkedHashMap<String, Object>();
      for (var e : m.entrySet()) {
        if (!(e.getKey() instanceof String k)) {
          throw unsupported(task, name, "a map with a key that is not a string (" + e.getKey() + ")");
        }
        Object mapped = argument(task, name, e.getValue());
        if (mapped != null) {
          out.put(k, mapped);
        }
      }
      return out;
    }
    if (v instanceof PObject p) {
      String kind = p.getClassInfo().getSimpleName();
      boolean schema = "kiln.Pipeline".equals(p.getClassInfo().getModuleName());
      if (schema && kind.equals("Directory")) {
        return directory(p);
      }
      if (schema && kind.equals("File")) {
        return file(p);
      }
      if (schema && kind.equals("Secret")) {
        return secret(p);
      }
      if (kind.equals("Dynamic")) {
        return argument(task, name, p.getProperties());
      }
      throw unsupported(task, name, "a " + kind);
    }
    throw unsupported(task, name, "a " + v.getClass().getSimpleName());
  }

  private PipelineException unsupported(String task, String name, String what) {
    return new PipelineException("argument `" + name + "` of task `" + task + "` is " + what
        + ", which a function cannot take", source.literal(task, name),
        "pass strings, numbers, booleans, lists, maps, Files, Directories or Secrets");
  }

  private Container containerOrNull(Object value) {
    return nullable(value) == null ? null : container(obj(value));
  }

  Container container(PObject c) {
    Container known = containers.get(c);
    if (known != null) {
      return known;
    }
    var ops = new ArrayList<ContainerOp>();
    for (Object op : list(c.getProperty("ops"))) {
      ops.add(containerOp(obj(op)));
    }
    Object build = nullable(c.getProperty("build"));
    Container result = new Container(str(c, "image"), str(c, "platform"), ops,
        build == null ? null : dockerBuild(obj(build)));
    containers.put(c, result);
    return result;
  }

  private DockerBuild dockerBuild(PObject b) {
    var args = new TreeMap<String, String>();
    map(b.getProperty("buildArgs")).forEach((k, v) -> args.put((String) k, (String) v));
    var secrets = new ArrayList<Secret>();
    for (Object s : list(b.getProperty("secrets"))) {
      secrets.add(secret(obj(s)));
    }
    return new DockerBuild(directory(obj(b.getProperty("context"))), file(obj(b.getProperty("dockerfile"))),
        str(b, "target"), args, secrets);
  }

  private ContainerOp containerOp(PObject op) {
    String kind = op.getClassInfo().getSimpleName();
    return switch (kind) {
      case "Exec" -> new ContainerOp.Exec(strings(op.getProperty("args")), bool(op, "useEntrypoint"));
      case "WithEnv" -> new ContainerOp.WithEnv(str(op, "name"), str(op, "value"));
      case "WithoutEnv" -> new ContainerOp.WithoutEnv(str(op, "name"));
      case "WithWorkdir" -> new ContainerOp.WithWorkdir(str(op, "path"));
      case "WithUser" -> new ContainerOp.WithUser(str(op, "user"));
      case "WithEntrypoint" -> new ContainerOp.WithEntrypoint(strings(op.getProperty("args")));
      case "WithDefaultArgs" -> new ContainerOp.WithDefaultArgs(strings(op.getProperty("args")));
      case "WithDirectory" -> new ContainerOp.WithDirectory(str(op, "path"),
          directory(obj(op.getProperty("source"))), strings(op.getProperty("include")),
          strings(op.getProperty("exclude")), str(op, "owner"));
      case "WithFile" -> new ContainerOp.WithFile(str(op, "path"), file(obj(op.getProperty("file"))),
          integer(op, "permissions"), str(op, "owner"));
      case "WithNewFile" -> new ContainerOp.WithNewFile(str(op, "path"), str(op, "contents"),
          integer(op, "permissions"), str(op, "owner"));
      case "WithoutPath" -> new ContainerOp.WithoutPath(str(op, "path"));
      case "WithMountedCache" -> new ContainerOp.WithMountedCache(str(op, "path"),
          new CacheVolume(str(obj(op.getProperty("cache")), "name")),
          ContainerOp.Sharing.valueOf(str(op, "sharing").toUpperCase(Locale.ROOT)));
      case "WithMountedSecret" -> new ContainerOp.WithMountedSecret(str(op, "path"),
          secret(obj(op.getProperty("secret"))));
      case "WithMountedDirectory" -> new ContainerOp.WithMountedDirectory(str(op, "path"),
          directory(obj(op.getProperty("source"))));
      case "WithMountedTemp" -> new ContainerOp.WithMountedTemp(str(op, "path"));
      case "WithoutMount" -> new ContainerOp.WithoutMount(str(op, "path"));
      case "WithSecretVariable" -> new ContainerOp.WithSecretVariable(str(op, "name"),
          secret(obj(op.getProperty("secret"))));
      case "WithServiceBinding" -> new ContainerOp.WithServiceBinding(str(op, "hostname"),
          service(obj(op.getProperty("service"))));
      default -> throw new IllegalStateException("unknown container operation " + kind);
    };
  }

  private Service service(PObject s) {
    var ports = new ArrayList<Integer>();
    for (Object p : list(s.getProperty("ports"))) {
      ports.add(((Long) p).intValue());
    }
    Object check = nullable(s.getProperty("healthcheck"));
    return new Service(container(obj(s.getProperty("container"))), ports,
        check == null ? null : healthcheck(obj(check)));
  }

  private Healthcheck healthcheck(PObject h) {
    var timeout = ((Duration) h.getProperty("timeout")).toJavaDuration();
    String kind = h.getClassInfo().getSimpleName();
    return switch (kind) {
      case "PortCheck" -> new Healthcheck.Port(integer(h, "port"), timeout);
      case "CommandCheck" -> new Healthcheck.Command(strings(h.getProperty("command")), timeout);
      default -> throw new IllegalStateException("unknown healthcheck " + kind);
    };
  }

  Directory directory(PObject d) {
    Directory known = directories.get(d);
    if (known != null) {
      return known;
    }
    PObject base = obj(d.getProperty("base"));
    String kind = base.getClassInfo().getSimpleName();
    Directory.Base b = switch (kind) {
      case "HostDirectory" -> new Directory.Host(str(base, "path"), strings(d.getProperty("include")),
          strings(d.getProperty("exclude")), (Boolean) d.getProperty("gitignore"));
      case "EmptyDirectory" -> new Directory.Empty();
      case "ContainerDirectory" ->
          new Directory.FromContainer(container(obj(base.getProperty("container"))), str(base, "path"));
      case "SubDirectory" -> new Directory.Sub(directory(obj(base.getProperty("parent"))), str(base, "path"));
      default -> throw new IllegalStateException("unknown directory base " + kind);
    };
    var ops = new ArrayList<Directory.Op>();
    for (Object o : list(d.getProperty("ops"))) {
      PObject op = obj(o);
      String opKind = op.getClassInfo().getSimpleName();
      ops.add(switch (opKind) {
        case "DirectoryWithDirectory" ->
            new Directory.WithDirectory(str(op, "path"), directory(obj(op.getProperty("source"))));
        case "DirectoryWithFile" -> new Directory.WithFile(str(op, "path"), file(obj(op.getProperty("file"))));
        case "DirectoryWithNewFile" -> new Directory.WithNewFile(str(op, "path"), str(op, "contents"));
        case "DirectoryWithout" -> new Directory.Without(str(op, "path"));
        default -> throw new IllegalStateException("unknown directory operation " + opKind);
      });
    }
    Directory result = new Directory(b, ops);
    directories.put(d, result);
    return result;
  }

  private File file(PObject f) {
    return new File(directory(obj(f.getProperty("directory"))), str(f, "path"));
  }

  /**
   * The secret {@code s}, whose one source is its {@code env}, {@code file} or {@code cmd}.
   *
   * @throws PipelineException when it sets none of them, or more than one
   */
  private Secret secret(PObject s) {
    String name = str(s, "name");
    List<SecretSource> sources = new ArrayList<>();
    if (nullable(s.getProperty("env")) instanceof String env) {
      sources.add(new SecretSource.Environment(env));
    }
    if (nullable(s.getProperty("file")) instanceof String file) {
      sources.add(new SecretSource.HostFile(Path.of(file)));
    }
    if (nullable(s.getProperty("cmd")) instanceof String cmd) {
      sources.add(new SecretSource.Command(cmd));
    }
    if (sources.isEmpty()) {
      throw new PipelineException("secret `" + name + "` does not say where its value comes from",
          source.secret(name, null), "use `envSecret(\"" + name + "\", \"VARIABLE\")`, `fileSecret` or `cmdSecret`,"
              + " or amend it: `(secret(\"" + name + "\")) { env = \"VARIABLE\" }`");
    }
    if (sources.size() > 1) {
      throw new PipelineException("secret `" + name + "` has " + sources.size() + " sources ("
          + String.join(", ", sources.stream().map(SecretChecks::describe).toList())
          + "); a secret's value comes from one", source.secret(name, null), "keep one of `env`, `file` and `cmd`");
    }
    return new Secret(name, sources.get(0));
  }

  /**
   * The remote caches of the pipeline's {@code cache} block, its {@code imports} or its {@code
   * exports}: schema objects as they are, buildx strings parsed, each located in the pipeline.
   *
   * @throws PipelineException when a buildx string is not a valid cache for {@code direction}
   */
  List<RemoteCache> caches(Object cache, RemoteCache.Direction direction) {
    var out = new ArrayList<RemoteCache>();
    if (nullable(cache) == null) {
      return out;
    }
    String block = direction == RemoteCache.Direction.EXPORT ? "exports" : "imports";
    Map<String, Integer> written = new HashMap<>(); // how often each text was met: the next is further on
    for (Object entry : list(obj(cache).getProperty(block))) {
      String text = entry instanceof String spec ? '"' + spec + '"' : "new " + obj(entry).getClassInfo().getSimpleName();
      SourceLocation at = source.cacheEntry(block, text, written.merge(text, 1, Integer::sum) - 1);
      if (entry instanceof String spec) {
        out.add(RemoteCache.parse(spec, direction, at));
        continue;
      }
      PObject c = obj(entry);
      out.add(switch (c.getClassInfo().getSimpleName()) {
        case "RegistryCache" -> new RemoteCache.Registry(str(c, "ref"),
            RemoteCache.Mode.valueOf(str(c, "mode").toUpperCase(Locale.ROOT)), Map.of(), at);
        case "LocalCache" -> new RemoteCache.Local(Path.of(str(c, "dir")), RemoteCache.Local.DEFAULT_TAG, null,
            RemoteCache.Mode.MIN, Map.of(), at);
        case "InlineCache" -> new RemoteCache.Inline(at);
        default -> throw new IllegalStateException("unknown cache class " + c.getClassInfo());
      });
    }
    return out;
  }

  /** The pipeline's {@code triggers}, each located at its {@code new Push}/{@code new Schedule}/... in the text. */
  List<Trigger> triggers(Object value) {
    var out = new ArrayList<Trigger>();
    Map<String, Integer> seen = new HashMap<>();
    for (Object entry : list(value)) {
      PObject t = obj(entry);
      String kind = t.getClassInfo().getSimpleName();
      SourceLocation at = source.newObject(kind, seen.merge(kind, 1, Integer::sum) - 1, "triggers");
      List<String> tasks = strings(t.getProperty("tasks"));
      var params = new LinkedHashMap<String, String>();
      map(t.getProperty("params")).forEach((k, v) -> params.put((String) k, String.valueOf(v)));
      out.add(switch (kind) {
        case "Push" -> new Trigger.Push(globs(t.getProperty("branches")), globs(t.getProperty("paths")), tasks,
            params, at);
        case "PullRequest" -> new Trigger.PullRequest(globs(t.getProperty("branches")),
            globs(t.getProperty("paths")), tasks, params, at);
        case "Schedule" -> new Trigger.Schedule(str(t, "cron").trim(), str(t, "timeZone").trim(),
            str(t, "branch").trim(), tasks, params, at);
        default -> throw new IllegalStateException("unknown trigger class " + t.getClassInfo());
      });
    }
    return out;
  }

  private static List<Glob> globs(Object value) {
    return strings(value).stream().map(Glob::new).toList();
  }

  static Object nullable(Object value) {
    return value instanceof PNull ? null : value;
  }

  private static PObject obj(Object value) {
    if (value instanceof PObject p) {
      return p;
    }
    throw new IllegalStateException("expected an object, got " + value);
  }

  private static String str(PObject o, String property) {
    return (String) o.getProperty(property);
  }

  private static boolean bool(PObject o, String property) {
    return (Boolean) o.getProperty(property);
  }

  private static int integer(PObject o, String property) {
    return ((Long) o.getProperty(property)).intValue();
  }

  static List<?> list(Object value) {
    return value == null || value instanceof PNull ? List.of() : (List<?>) value;
  }

  static List<String> strings(Object value) {
    var out = new ArrayList<String>();
    for (Object o : list(value)) {
      out.add((String) o);
    }
    return out;
  }

  static Map<?, ?> map(Object value) {
    return value == null || value instanceof PNull ? Map.of() : (Map<?, ?>) value;
  }
}
