package dev.kiln.cli;

import dev.kiln.planner.Plan;

/** How {@code kiln plan} prints a plan. */
enum PlanFormat {
  /** A tree for people: tasks, their targets and ops with short digests. */
  TEXT {
    @Override
    String render(Plan plan) {
      return PlanText.render(plan);
    }
  },
  /** Everything, with full digests, for tools. */
  JSON {
    @Override
    String render(Plan plan) {
      return PlanJson.render(plan);
    }
  },
  /** A Graphviz graph of ops and tasks. */
  DOT {
    @Override
    String render(Plan plan) {
      return PlanDot.render(plan);
    }
  };

  abstract String render(Plan plan);

  /** Reads {@code kiln plan --format}. */
  static final class Converter extends EnumConverter<PlanFormat> {
    Converter() {
      super(PlanFormat.class);
    }
  }
}
