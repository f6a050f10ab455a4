package dev.kiln.cli;

import dev.kiln.executor.trace.Tracing;
import dev.kiln.model.FunctionRegistry;
import dev.kiln.server.ExecutorRuns;
import dev.kiln.server.KilnServer;
import dev.kiln.server.ServerSettings;
import dev.kiln.server.WebhookSecret;
import dev.kiln.server.WebhookSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kiln serve}: webhooks and schedules run a repository's pipelines; the history, a web page
 * and {@code /metrics} show them. Secrets come from files or the server's environment.
 */
@Command(name = "serve", description = "Run pipelines on webhooks and schedules, with a run history and a web page.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # a local repository; the token for the web page is printed",
      "  kiln serve --repo ../app --github-secret-file hook.secret",
      "  # every interface (behind the team's proxy), with GitHub's webhook",
      "  kiln serve --repo https://github.com/o/app.git --listen 0.0.0.0:8080"
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin EngineOptions engineOptions;

  @Mixin HistoryOptions history;

  @Option(names = "--repo", required = true, paramLabel = "REPO",
      description = "The repository whose pipeline.pkl runs: a URL the server can fetch, or a local path.")
  String repository;

  @Option(names = "--listen", defaultValue = "127.0.0.1:8080", paramLabel = "ADDR",
      description = "Where to listen, HOST:PORT (default: ${DEFAULT-VALUE}; 0.0.0.0:8080 for every interface).")
  String listen;

  @Option(names = "--public-url", paramLabel = "URL", description = "The server's address as people reach it (commit statuses link there).")
  URI publicUrl;

  @Option(names = "--branch", defaultValue = "main", paramLabel = "BRANCH",
      description = "The branch whose pipeline's schedules run (default: ${DEFAULT-VALUE}).")
  String branch;

  @Option(names = "--github-secret-file", paramLabel = "FILE", description = "GitHub's webhook secret (else $KILN_GITHUB_SECRET).")
  Path githubSecret;

  @Option(names = "--gitlab-token-file", paramLabel = "FILE", description = "GitLab's webhook token (else $KILN_GITLAB_TOKEN).")
  Path gitlabToken;

  @Option(names = "--generic-secret-file", paramLabel = "FILE",
      description = "The generic hook's HMAC secret (else $KILN_WEBHOOK_SECRET).")
  Path genericSecret;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "The token the web page, API and /metrics require (else $KILN_SERVER_TOKEN, else one is made and printed).")
  Path tokenFile;

  @Option(names = "--concurrency", defaultValue = "2", paramLabel = "N", description = "Runs at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = {"-j", "--parallel"}, defaultValue = "4", paramLabel = "N", description = "Tasks at once within a run (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(names = "--keep-superseded", description = "Let older runs of a branch finish when a newer push comes (default: cancel them).")
  boolean keepSuperseded;

  @Option(names = "--max-body", defaultValue = "5242880", paramLabel = "BYTES", description = "The largest webhook body (default: ${DEFAULT-VALUE}).")
  int maxBody;

  @Option(names = "--status-url", paramLabel = "URL",
      description = "Post commit statuses (GitHub's format) to this URL, {sha} standing for the commit.")
  String statusUrl;

  @Option(names = "--status-token-file", paramLabel = "FILE", description = "The bearer token for --status-url (else $KILN_STATUS_TOKEN).")
  Path statusToken;

  @Option(names = "--allow-plugins", description = "Let pipelines load the functions of their .kiln/plugins/ jars (off: Kiln's own only).")
  boolean allowPlugins;

  @Option(names = "--allow-command-secrets", description = "Let pipelines run commands on this machine for secrets (cmdSecret).")
  boolean allowCommandSecrets;

  @Option(names = "--pull-request-secrets", description = "Let pull requests' runs read this server's environment"
      + " (envSecret, hostEnv); off, a request from a fork sees none of it.")
  boolean pullRequestSecrets;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = System.getenv();
    int colon = listen.lastIndexOf(':');
    if (colon < 1 || !listen.substring(colon + 1).matches("\\d{1,5}")) {
      throw new ParameterException(spec.commandLine(), "--listen must be HOST:PORT, not " + listen);
    }
    PrintWriter err = spec.commandLine().getErr();
    String token = text(tokenFile, "KILN_SERVER_TOKEN", env);
    if (token == null) {
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      token = HexFormat.of().formatHex(random);
    }
    ServerSettings.Builder settings = ServerSettings.builder(history.data, repository, token)
        .setListen(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)))
        .setPublicUrl(publicUrl).setHistory(history.database()).setBranch(branch)
        .setRuns(concurrency, !keepSuperseded).setMaxBodyBytes(maxBody)
        .setStatuses(statusUrl, text(statusToken, "KILN_STATUS_TOKEN", env))
        .setTrust(allowPlugins, allowCommandSecrets).setEnvironment(env).setPullRequestEnvironment(pullRequestSecrets);
    secret(settings, WebhookSource.GITHUB, githubSecret, "KILN_GITHUB_SECRET", env);
    secret(settings, WebhookSource.GITLAB, gitlabToken, "KILN_GITLAB_TOKEN", env);
    secret(settings, WebhookSource.GENERIC, genericSecret, "KILN_WEBHOOK_SECRET", env);
    ServerSettings built;
    try {
      built = settings.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Tracing tracing = Tracing.fromEnvironment(env);
    if (engineOptions.engines.size() > 1) {
      throw new ParameterException(spec.commandLine(), "kiln serve runs on one engine: give --engine once");
    }
    KilnServer server = KilnServer.start(built, new ExecutorRuns(engineOptions.engine(), parallel,
        FunctionRegistry::builtIn, tracing).withEngineTls(engineOptions.tls()), notice -> {
          err.println("kiln serve: " + notice);
          err.flush();
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close(); // running runs are cancelled on the engine, queued ones stay queued for the next start
      tracing.close(); // the spans not sent yet
      stopped.countDown();
    }, "kiln-serve-stop"));
    URI url = server.url(built.host());
    err.println("kiln serve: listening on " + url + " (history: " + built.history() + ")");
    for (WebhookSource s : WebhookSource.values()) {
      if (built.secret(s) != null) {
        err.println("kiln serve: webhook " + url.resolve("hooks/" + s.path()));
      }
    }
    if (tokenFile == null && env.get("KILN_SERVER_TOKEN") == null) {
      err.println("kiln serve: web page " + url + "?token=" + token);
    }
    err.flush();
    stopped.await();
    return ExitCodes.INTERRUPTED;
  }

  private void secret(ServerSettings.Builder settings, WebhookSource source, Path file, String variable,
      Map<String, String> env) throws IOException {
    String value = text(file, variable, env);
    if (value != null) {
      settings.setSecret(source, WebhookSecret.of(value));
    }
  }

  /** The text of {@code file}, else of {@code variable}, else null. */
  private String text(Path file, String variable, Map<String, String> env) throws IOException {
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new ParameterException(spec.commandLine(), "no file " + file);
      }
      return Files.readString(file).strip();
    }
    String v = env.get(variable);
    return v == null || v.isBlank() ? null : v.strip();
  }
}
