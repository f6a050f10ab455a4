/**
 * Kiln's LLB builder: small immutable values ({@link dev.kiln.planner.llb.LlbState}, ops, mounts,
 * file actions) that marshal into a deterministic BuildKit {@link dev.kiln.planner.llb.Definition}.
 * Wire types live in {@code dev.kiln.planner.llb.pb}; nothing here does I/O.
 */
package dev.kiln.planner.llb;
