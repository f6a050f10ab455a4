package dev.kiln.example.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GreeterTest {
  @Test
  void greetsByName() {
    assertEquals("Hello, Ada, from Kiln's java-maven example!", Greeter.greet(" Ada "));
  }

  @Test
  void blankNameGreetsTheWorld() {
    assertEquals("Hello, world, from Kiln's java-maven example!", Greeter.greet(""));
  }
}
