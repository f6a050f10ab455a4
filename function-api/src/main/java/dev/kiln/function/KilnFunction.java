package dev.kiln.function;

/**
 * A Java function that pipelines call, found with {@link java.util.ServiceLoader}: list the class
 * in {@code META-INF/services/dev.kiln.function.KilnFunction} of Kiln's jar or a plugin jar.
 *
 * <p>An {@link Phase#EVALUATION evaluation-time} function runs while Kiln evaluates the pipeline
 * and returns a value of its {@link Signature#returns() return type}; it must be pure and fast. A
 * {@link Phase#RUN run-time} function is a node of the task graph: Kiln calls it after the task's
 * dependencies finished and its file and directory arguments were copied out of the engine; it
 * returns named results, which later tasks read like any task's results.
 *
 * <p>Implementations must be stateless and thread-safe, with a public no-argument constructor.
 */
public interface KilnFunction {
  /** Its name, parameters, return type and documentation; the same on every call. */
  Signature signature();

  /**
   * Calls the function.
   *
   * @param args the arguments, checked against {@link #signature()}
   * @param context what the call may see of the project and Kiln
   * @return for an evaluation-time function, a value of the declared type ({@code String},
   *     {@code Long}, {@code Double}, {@code Boolean}, {@code List}, {@code Map} with string keys,
   *     or {@code null} when the type is optional); for a run-time function, a {@code
   *     Map<String, String>} from each declared result's name to its value
   * @throws FunctionException when the call fails; its message is shown to the user
   */
  Object call(Arguments args, FunctionContext context) throws FunctionException;
}
