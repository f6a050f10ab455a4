package dev.kiln.model;

/** The file {@code path} of {@code directory}. */
public record File(Directory directory, String path) {}
