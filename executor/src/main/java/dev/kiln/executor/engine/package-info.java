/**
 * Kiln's BuildKit client: finding an engine, one gRPC connection to it, sessions, solves and what
 * the engine can do.
 *
 * <ul>
 *   <li>{@link dev.kiln.executor.engine.EngineConnector} tries the addresses of {@link
 *       dev.kiln.executor.engine.EngineAddress#discover} in order and reports every step when none
 *       answers ({@link dev.kiln.executor.EngineUnavailableException}).
 *   <li>{@link dev.kiln.executor.engine.BuildkitConnection} owns the channel. grpc-java talks to an
 *       in-JVM Netty {@code LocalAddress}; each local connection is joined to a socket that a
 *       {@code Dialer} opened: a Unix socket (JDK {@code UnixDomainSocketAddress}, no native
 *       transport), TCP, TCP with TLS ({@code TlsDial}, {@link dev.kiln.executor.engine.EngineTls}),
 *       a {@code kubectl exec ... buildctl dial-stdio} process ({@code KubectlDial}, {@link
 *       dev.kiln.executor.engine.KubePod}), each upgraded with {@code POST /grpc} ({@code Upgrade:
 *       h2c}) when Docker's API is in front of the engine.
 *   <li>{@link dev.kiln.executor.engine.Session}: the client is a gRPC <em>server</em> (health plus
 *       the services handed to it) and the daemon its HTTP/2 client, through Docker's {@code POST
 *       /session} upgrade or the {@code Control/Session} byte stream. One header or metadata entry
 *       per served method, never comma-joined.
 *   <li>{@link dev.kiln.executor.engine.Solver} submits a definition and follows its status; {@link
 *       dev.kiln.executor.engine.Gateway} keeps a build open to solve, read files and ping for
 *       capabilities. Engine errors become Kiln exceptions in one place, {@code BuildkitErrors}.
 *   <li>Calls to the engine go through two clients, {@code ControlClient} and {@code BridgeClient}
 *       (the gateway), which take every deadline from one {@link
 *       dev.kiln.executor.engine.CallPolicy}: read-only calls are retried while the engine is
 *       {@code UNAVAILABLE}, calls that change it (Solve, Prune, Return) never.
 *   <li>{@link dev.kiln.executor.engine.EngineProbe} tells {@link
 *       dev.kiln.executor.engine.EngineInfo}: what the engine answered (probed) and what follows from
 *       its kind and version (derived).
 * </ul>
 */
package dev.kiln.executor.engine;
