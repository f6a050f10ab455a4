package dev.kiln.server;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How {@code kiln serve} runs. Secrets and tokens come from the server's files or environment,
 * never from a pipeline; a webhook endpoint whose secret is not set answers 404.
 *
 * @param host the address to listen on
 * @param port the port (0: any free one)
 * @param dataDir where the mirror, the workspaces and the SQLite history live
 * @param history the history's database; null: SQLite in {@code dataDir/history.db}
 * @param repository the repository to run: a URL or a local path
 * @param branch the branch whose pipeline's schedules the server keeps
 * @param github GitHub's webhook secret, or null
 * @param gitlab GitLab's webhook token, or null
 * @param generic the generic hook's secret, or null
 * @param accessToken what the web page and the API require ({@code Authorization: Bearer}, or a cookie)
 * @param concurrency how many runs may go on at once
 * @param cancelSuperseded whether a newer push to a branch cancels the older runs of that branch
 * @param maxBodyBytes the largest webhook body accepted
 * @param statusUrl where commit statuses are posted, {@code {sha}} standing for the commit; null: none
 * @param statusToken the bearer token for {@code statusUrl}, or null
 * @param publicUrl the server's address as people reach it (statuses link to runs); null: from host and port
 * @param allowPlugins whether pipelines may load the functions of their {@code .kiln/plugins/} jars
 * @param allowCommandSecrets whether pipelines may run commands on the server for secrets ({@code cmdSecret})
 * @param environment the server's environment: what pipelines' {@code envSecret}s and {@code hostEnv} read
 * @param pullRequestEnvironment whether pull requests' runs see {@code environment} too (off: they see
 *     none of it, so a request from a fork cannot read the server's secrets)
 */
public record ServerSettings(String host, int port, Path dataDir, HistoryDatabase history, String repository,
    String branch, WebhookSecret github, WebhookSecret gitlab, WebhookSecret generic, String accessToken,
    int concurrency, boolean cancelSuperseded, int maxBodyBytes, String statusUrl, String statusToken,
    URI publicUrl, boolean allowPlugins, boolean allowCommandSecrets, Map<String, String> environment,
    boolean pullRequestEnvironment) {

  public ServerSettings {
    Objects.requireNonNull(host, "host");
    dataDir = dataDir.toAbsolutePath();
    if (history == null) {
      history = HistoryDatabase.sqlite(dataDir.resolve("history.db"));
    }
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(branch, "branch");
    if (accessToken == null || accessToken.length() < 16) {
      throw new IllegalArgumentException("the access token must have at least 16 characters");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("the body limit must be at least 1024 bytes: " + maxBodyBytes);
    }
    environment = Map.copyOf(environment);
  }

  /**
   * A builder with defaults: loopback, port 8080, SQLite in the data directory, branch {@code main},
   * no webhook endpoint, 2 runs at once, superseded runs cancelled, 5 MiB bodies, no statuses, no
   * plugins or command secrets, an empty environment.
   */
  public static Builder builder(Path dataDir, String repository, String accessToken) {
    return new Builder(dataDir, repository, accessToken);
  }

  /** The secret of {@code source}'s endpoint, or null when it is off. */
  public WebhookSecret secret(WebhookSource source) {
    return switch (source) {
      case GITHUB -> github;
      case GITLAB -> gitlab;
      case GENERIC -> generic;
    };
  }

  /** Configures {@link ServerSettings}; every {@code set*} replaces one setting (see the record's components). */
  public static final class Builder {
    private final Path dataDir;
    private final String repository;
    private final String accessToken;
    private String host = "127.0.0.1";
    private int port = 8080;
    private URI publicUrl;
    private HistoryDatabase history;
    private String branch = "main";
    private WebhookSecret github;
    private WebhookSecret gitlab;
    private WebhookSecret generic;
    private int concurrency = 2;
    private boolean cancelSuperseded = true;
    private int maxBodyBytes = 5 * 1024 * 1024;
    private String statusUrl;
    private String statusToken;
    private boolean allowPlugins;
    private boolean allowCommandSecrets;
    private Map<String, String> environment = Map.of();
    private boolean pullRequestEnvironment;

    private Builder(Path dataDir, String repository, String accessToken) {
      this.dataDir = dataDir;
      this.repository = repository;
      this.accessToken = accessToken;
    }

    public Builder setListen(String host, int port) {
      this.host = host;
      this.port = port;
      return this;
    }

    public Builder setPublicUrl(URI publicUrl) {
      this.publicUrl = publicUrl;
      return this;
    }

    public Builder setHistory(HistoryDatabase history) {
      this.history = history;
      return this;
    }

    public Builder setBranch(String branch) {
      this.branch = branch;
      return this;
    }

    public Builder setSecret(WebhookSource source, WebhookSecret secret) {
      switch (source) {
        case GITHUB -> github = secret;
        case GITLAB -> gitlab = secret;
        case GENERIC -> generic = secret;
      }
      return this;
    }

    public Builder setRuns(int concurrency, boolean cancelSuperseded) {
      this.concurrency = concurrency;
      this.cancelSuperseded = cancelSuperseded;
      return this;
    }

    public Builder setMaxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    public Builder setStatuses(String statusUrl, String statusToken) {
      this.statusUrl = statusUrl;
      this.statusToken = statusToken;
      return this;
    }

    public Builder setTrust(boolean allowPlugins, boolean allowCommandSecrets) {
      this.allowPlugins = allowPlugins;
      this.allowCommandSecrets = allowCommandSecrets;
      return this;
    }

    public Builder setEnvironment(Map<String, String> environment) {
      this.environment = environment;
      return this;
    }

    public Builder setPullRequestEnvironment(boolean pullRequestEnvironment) {
      this.pullRequestEnvironment = pullRequestEnvironment;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException when one is out of range
     */
    public ServerSettings build() {
      return new ServerSettings(host, port, dataDir, history, repository, branch, github, gitlab, generic,
          accessToken, concurrency, cancelSuperseded, maxBodyBytes, statusUrl, statusToken, publicUrl, allowPlugins,
          allowCommandSecrets, environment, pullRequestEnvironment);
    }
  }
}
