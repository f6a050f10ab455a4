package dev.kiln.evaluator.model;

/** A secret, by name only; its value is served by the executor's session, never planned. */
public record Secret(String name) {}
