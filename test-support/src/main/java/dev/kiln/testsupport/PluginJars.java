package dev.kiln.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/** Builds plugin jars in tests: one KilnFunction compiled with javax.tools, plus its services file. */
public final class PluginJars {
  private PluginJars() {}

  /**
   * Compiles a public class {@code className} (in package {@code plugin}) whose {@code signature()}
   * returns {@code signature} and whose {@code call} returns {@code body}'s value, and writes it with
   * its services file to {@code dir/jarName}.
   */
  public static Path function(Path dir, String jarName, String className, String signature, String body) throws IOException {
    String source = """
        package plugin;
        import dev.kiln.function.*;
        public final class %s implements KilnFunction {
          public Signature signature() { return %s; }
          public Object call(Arguments args, FunctionContext context) throws FunctionException { %s }
        }
        """.formatted(className, signature, body);
    Path work = Files.createTempDirectory("kiln-plugin-src");
    Path src = work.resolve("plugin/" + className + ".java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, source);
    Path classes = work.resolve("classes");
    Files.createDirectories(classes);
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), src.toString());
    if (rc != 0) {
      throw new IllegalStateException("cannot compile " + src);
    }
    Files.createDirectories(dir);
    Path jar = dir.resolve(jarName);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      List<Path> files = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(classes)) {
        walk.filter(Files::isRegularFile).forEach(files::add);
      }
      for (Path f : files) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("META-INF/services/dev.kiln.function.KilnFunction"));
      OutputStream o = out;
      o.write(("plugin." + className + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }
}
