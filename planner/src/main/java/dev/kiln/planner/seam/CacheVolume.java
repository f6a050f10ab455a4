package dev.kiln.planner.seam;

/** A named cache volume, kept by the engine across runs. */
public record CacheVolume(String name) {}
