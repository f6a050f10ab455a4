/**
 * Kiln's pipeline model: immutable records the evaluator produces from {@code pipeline.pkl} and the
 * planner plans. A {@link dev.kiln.model.Pipeline} holds {@link
 * dev.kiln.model.Task}s; a {@link dev.kiln.model.Container} is a base image
 * plus ordered {@link dev.kiln.model.ContainerOp}s.
 */
package dev.kiln.model;
