package dev.kiln.example.app;

import dev.kiln.example.core.Greeter;

/** Prints a greeting for the first argument, or for the world. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println(Greeter.greet(args.length > 0 ? args[0] : ""));
  }
}
