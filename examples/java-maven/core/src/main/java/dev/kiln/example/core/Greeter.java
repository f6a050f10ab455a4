package dev.kiln.example.core;

/** Makes greetings. */
public final class Greeter {
  private Greeter() {}

  /** The greeting for {@code name}; a blank name greets the world. */
  public static String greet(String name) {
    String who = name == null || name.isBlank() ? "world" : name.strip();
    return "Hello, " + who + ", from Kiln's java-maven example!";
  }
}
