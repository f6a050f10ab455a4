/**
 * Kiln's planner: a pure function from a pipeline to a {@link dev.kiln.planner.Plan} (LLB per
 * task target plus the task order). Entry points: {@link dev.kiln.planner.PlannerBuilder} and
 * {@link dev.kiln.planner.Planner}; inputs that would need I/O (image configs, the Dockerfile
 * frontend's LLB, ignore files, engine capabilities) are passed in. The LLB builder is {@link dev.kiln.planner.llb}.
 */
package dev.kiln.planner;
