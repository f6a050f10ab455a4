package dev.kiln.executor.engine;

/**
 * The network a {@link GatewayContainer} gets (BuildKit's NetMode): the engine's sandbox network
 * (Docker 20.10: its default bridge, without DNS), the host's, or none but loopback.
 */
public enum ContainerNetwork { SANDBOX, HOST, NONE }
