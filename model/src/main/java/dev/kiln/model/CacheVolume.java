package dev.kiln.model;

/** A named cache volume, kept by the engine across runs. */
public record CacheVolume(String name) {}
