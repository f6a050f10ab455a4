/**
 * Kiln's pipeline model: immutable records the evaluator produces from {@code pipeline.pkl} and the
 * planner plans. A {@link dev.kiln.evaluator.model.Pipeline} holds {@link
 * dev.kiln.evaluator.model.Task}s; a {@link dev.kiln.evaluator.model.Container} is a base image
 * plus ordered {@link dev.kiln.evaluator.model.ContainerOp}s.
 */
package dev.kiln.evaluator.model;
