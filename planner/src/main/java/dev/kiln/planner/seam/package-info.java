/**
 * <b>Seam: stand-in for {@code dev.kiln.evaluator.model}.</b> The evaluator's model did not exist
 * while the planner was written, so the planner plans these records, which follow the model's
 * announced shape: {@link dev.kiln.planner.seam.Pipeline} of {@link dev.kiln.planner.seam.Task}s;
 * a {@link dev.kiln.planner.seam.Container} is a base image plus ordered, sealed
 * {@link dev.kiln.planner.seam.ContainerOp}s; {@link dev.kiln.planner.seam.Directory},
 * {@link dev.kiln.planner.seam.File}, {@link dev.kiln.planner.seam.CacheVolume} and
 * {@link dev.kiln.planner.seam.Secret} (by name only). When the model lands, either one adapter
 * maps it onto these records, or the planner's {@code ModelLowering} switches to the model's
 * types directly (the shapes match) and this package goes away.
 */
package dev.kiln.planner.seam;
