package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standard-library modules the examples do not use ({@code std/gradle.pkl}, {@code
 * std/node.pkl}, {@code image.binary} and {@code image.nonRoot}) building small projects on the real
 * engine, offline: Debian's Gradle packages a jar, npm installs from a lock file and runs a script,
 * a Go binary and the jar run in their images as a non-root user.
 */
@Tag("e2e")
class StdLibraryE2ETest extends KilnInProcess {
  @TempDir Path dir;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  @Test
  void gradleNodeAndRuntimeImagesBuildAndRun() throws IOException {
    write("build.gradle", "apply plugin: 'java'\njar { manifest { attributes 'Main-Class': 'demo.Hello' } }\n");
    write("settings.gradle", "rootProject.name = 'demo'\n");
    write("src/main/java/demo/Hello.java", """
        package demo;
        public class Hello { public static void main(String[] a) { System.out.println("hello from gradle"); } }
        """);
    write("web/package.json", """
        { "name": "web", "version": "1.0.0", "private": true, "scripts": { "greet": "node greet.js" } }
        """);
    write("web/package-lock.json", """
        { "name": "web", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
          "packages": { "": { "name": "web", "version": "1.0.0" } } }
        """);
    write("web/greet.js", """
        require("fs").mkdirSync("/out", { recursive: true });
        require("fs").writeFileSync("/out/greet.txt", "hello " + process.argv.slice(2).join(" ") + "\\n");
        """);
    write("hello/go.mod", "module example.com/hello\n\ngo 1.19\n");
    write("hello/main.go", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello from go\") }\n");
    Path pipeline = write("pipeline.pkl", """
        amends ".kiln/schema/Pipeline.pkl"
        import ".kiln/schema/std/gradle.pkl"
        import ".kiln/schema/std/node.pkl"
        import ".kiln/schema/std/go.pkl"
        import ".kiln/schema/std/image.pkl"

        local g = new gradle.Gradle { offline = true; quiet = true }
        local jar = g.run(g.project(host.directory(".").including(List("*.gradle", "src"))), List("jar"))
        local npm = new node.Node {}
        local web = npm.ci(npm.project(host.directory("web")))
        local golang = new go.Go { proxy = "off" }
        local bin = golang.build(golang.project(host.directory("hello")), "/out/hello", ".")
        local whoami = List("sh", "-c", "mkdir -p /tmp/o && (\\"$@\\"; id -u; echo $HOME) > /tmp/o/out.txt", "sh")

        tasks {
          ["gradle"] { run = jar; exports { ["/src/build/libs/demo.jar"] = "build/demo.jar" } }
          ["node"] { run = npm.run(web, "greet", List("kiln", "std")); exports { ["/out/greet.txt"] = "build/greet.txt" } }
          ["binary"] {
            run = image.nonRoot(image.binary(bin.file("/out/hello"), "hello"), "app", 10001).withExec(whoami + List("hello"))
            exports { ["/tmp/o/out.txt"] = "build/binary.txt" }
          }
          ["java"] {
            run = image.nonRoot(image.javaApp(jar.file("/src/build/libs/demo.jar")), "app", 10001)
              .withExec(whoami + List("java", "-jar", "/app.jar"))
            exports { ["/tmp/o/out.txt"] = "build/java.txt" }
          }
        }
        """);
    int code = kiln("run", "-f", pipeline.toString(), "--progress", "plain");

    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(err.toString()).contains("4 succeeded, 0 failed");
    assertThat(out.toString()).contains("gradle --no-daemon --console=plain -q --offline jar",
        "npm ci --no-audit --no-fund");
    assertThat(dir.resolve("build/demo.jar")).isNotEmptyFile();
    assertThat(dir.resolve("build/greet.txt")).hasContent("hello kiln std");
    assertThat(dir.resolve("build/binary.txt")).hasContent("hello from go\n10001\n/home/app");
    assertThat(dir.resolve("build/java.txt")).hasContent("hello from gradle\n10001\n/home/app");
  }

  private Path write(String path, String text) throws IOException {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }
}
