package dev.kiln.evaluator;

import dev.kiln.model.SourceLocation;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes and reads the model's records for the evaluation cache: records (by their components),
 * lists, maps (in order), strings, numbers, booleans, enums, paths, durations, source locations and null. Only classes of the model
 * package are ever instantiated. Java serialization did the same, but its first use in a process
 * cost about 60 ms (it builds method-handle chains for every record class), more than the rest
 * of a cached evaluation.
 */
final class ModelCodec {
  private static final String MODEL = "dev.kiln.model.";
  private static final int NULL = 0;
  private static final int STRING = 1;
  private static final int INT = 2;
  private static final int LONG = 3;
  private static final int DOUBLE = 4;
  private static final int BOOLEAN = 5;
  private static final int LIST = 6;
  private static final int MAP = 7;
  private static final int RECORD = 8;
  private static final int ENUM = 9;
  private static final int LOCATION = 10;
  private static final int PATH = 11;
  private static final int DURATION = 12;
  /** More parts than any model has: a corrupt size must not allocate gigabytes. */
  private static final int MAX_PARTS = 1 << 24;

  private static final Map<Class<?>, RecordComponent[]> COMPONENTS = new ConcurrentHashMap<>();
  private static final Map<Class<?>, Constructor<?>> CONSTRUCTORS = new ConcurrentHashMap<>();

  private ModelCodec() {}

  /** A null placeholder on the work stacks, which cannot hold null. */
  private static final Object NULL_VALUE = new Object();

  /**
   * Writes {@code value}, depth-first with an explicit stack: a model nests as deep as the
   * pipeline's containers and directories do.
   */
  static void write(DataOutputStream out, Object value) throws IOException {
    Deque<Object> todo = new ArrayDeque<>();
    todo.push(value == null ? NULL_VALUE : value);
    while (!todo.isEmpty()) {
      Object v = todo.pop();
      List<Object> children = writeHeader(out, v == NULL_VALUE ? null : v);
      for (int i = children.size() - 1; i >= 0; i--) {
        Object child = children.get(i);
        todo.push(child == null ? NULL_VALUE : child);
      }
    }
  }

  /** Writes {@code value}'s tag and scalar content; returns what follows it, in order. */
  private static List<Object> writeHeader(DataOutputStream out, Object value) throws IOException {
    if (value == null) {
      out.writeByte(NULL);
    } else if (value instanceof String s) {
      out.writeByte(STRING);
      writeString(out, s);
    } else if (value instanceof Integer i) {
      out.writeByte(INT);
      out.writeInt(i);
    } else if (value instanceof Long l) {
      out.writeByte(LONG);
      out.writeLong(l);
    } else if (value instanceof Double d) {
      out.writeByte(DOUBLE);
      out.writeDouble(d);
    } else if (value instanceof Boolean b) {
      out.writeByte(BOOLEAN);
      out.writeBoolean(b);
    } else if (value instanceof List<?> list) {
      out.writeByte(LIST);
      out.writeInt(list.size());
      return new ArrayList<>(list);
    } else if (value instanceof Map<?, ?> map) {
      out.writeByte(MAP);
      out.writeInt(map.size());
      List<Object> entries = new ArrayList<>(map.size() * 2);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        entries.add(e.getKey());
        entries.add(e.getValue());
      }
      return entries;
    } else if (value instanceof SourceLocation l) {
      out.writeByte(LOCATION);
      writeString(out, l.file().toString());
      out.writeInt(l.line());
      out.writeInt(l.column());
    } else if (value instanceof Path p) {
      out.writeByte(PATH);
      writeString(out, p.toString());
    } else if (value instanceof Duration d) {
      out.writeByte(DURATION);
      out.writeLong(d.getSeconds());
      out.writeInt(d.getNano());
    } else if (value instanceof Enum<?> e && e.getDeclaringClass().getName().startsWith(MODEL)) {
      out.writeByte(ENUM);
      out.writeUTF(e.getDeclaringClass().getName());
      out.writeUTF(e.name());
    } else if (value instanceof Record r && r.getClass().getName().startsWith(MODEL)) {
      out.writeByte(RECORD);
      out.writeUTF(r.getClass().getName());
      List<Object> components = new ArrayList<>();
      for (RecordComponent c : components(r.getClass())) {
        try {
          components.add(c.getAccessor().invoke(r));
        } catch (IllegalAccessException | InvocationTargetException ex) {
          throw new IOException("cannot read " + c + ": " + ex, ex);
        }
      }
      return components;
    } else {
      throw new IOException("the model holds a " + value.getClass().getName() + ", which the cache cannot store");
    }
    return List.of();
  }

  /** A list, map or record being read: its parts so far, and how many it has. */
  private static final class Open {
    final int tag;
    final Class<?> type;
    final Object[] parts;
    int filled;

    Open(int tag, Class<?> type, int size) {
      this.tag = tag;
      this.type = type;
      this.parts = new Object[size];
    }
  }

  /** Reads a value written by {@link #write}, with an explicit stack of the values still open. */
  static Object read(DataInputStream in) throws IOException {
    Deque<Open> open = new ArrayDeque<>();
    while (true) {
      Object value;
      int tag = in.readByte();
      switch (tag) {
        case LIST, MAP -> {
          int n = in.readInt();
          if (n < 0 || n > MAX_PARTS) {
            throw new IOException("bad size " + n);
          }
          open.push(new Open(tag, null, tag == MAP ? 2 * n : n));
          value = null;
        }
        case RECORD -> {
          Class<?> type = modelClass(in.readUTF());
          open.push(new Open(tag, type, components(type).length));
          value = null;
        }
        default -> value = scalar(tag, in);
      }
      if (tag == LIST || tag == MAP || tag == RECORD) {
        if (open.peek().parts.length > 0) {
          continue;
        }
        value = close(open.pop());
      }
      // Hand the finished value to the innermost open one, closing those it completes.
      while (true) {
        Open parent = open.peek();
        if (parent == null) {
          return value;
        }
        parent.parts[parent.filled++] = value;
        if (parent.filled < parent.parts.length) {
          break;
        }
        value = close(open.pop());
      }
    }
  }

  /** The list, map or record whose parts are all read. */
  private static Object close(Open o) throws IOException {
    switch (o.tag) {
      case LIST: {
        List<Object> list = new ArrayList<>(o.parts.length);
        Collections.addAll(list, o.parts);
        return list;
      }
      case MAP: {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < o.parts.length; i += 2) {
          map.put(o.parts[i], o.parts[i + 1]);
        }
        return map;
      }
      default:
        try {
          return constructor(o.type, components(o.type)).newInstance(o.parts);
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new IOException("cannot make a " + o.type.getName() + ": " + e, e);
        }
    }
  }

  private static Object scalar(int tag, DataInputStream in) throws IOException {
    switch (tag) {
      case NULL:
        return null;
      case STRING:
        return readString(in);
      case INT:
        return in.readInt();
      case LONG:
        return in.readLong();
      case DOUBLE:
        return in.readDouble();
      case BOOLEAN:
        return in.readBoolean();
      case LOCATION:
        return new SourceLocation(Path.of(readString(in)), in.readInt(), in.readInt());
      case PATH:
        return Path.of(readString(in));
      case DURATION:
        return Duration.ofSeconds(in.readLong(), in.readInt());
      case ENUM: {
        Class<?> type = modelClass(in.readUTF());
        String name = in.readUTF();
        if (type.getEnumConstants() != null) {
          for (Object c : type.getEnumConstants()) {
            if (((Enum<?>) c).name().equals(name)) {
              return c;
            }
          }
        }
        throw new IOException("no constant " + name + " in " + type.getName());
      }
      default:
        throw new IOException("unknown tag " + tag);
    }
  }

  /**
   * A string of any length (writeUTF stops at 64 KiB, and a file's contents may be longer),
   * encoded in pieces: a string of a gigabyte is not copied whole into a byte array first.
   */
  static void writeString(DataOutputStream out, String s) throws IOException {
    long length = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        length += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        length += 1; // unpaired: the encoder writes '?'
      } else {
        length += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
      }
    }
    if (length > Integer.MAX_VALUE) {
      throw new IOException("a string of " + length + " bytes is too long to store");
    }
    out.writeInt((int) length);
    int piece = 8192;
    for (int start = 0; start < s.length(); ) {
      int end = Math.min(s.length(), start + piece);
      if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
        end--; // keep a surrogate pair in one piece
      }
      out.write(s.substring(start, end).getBytes(StandardCharsets.UTF_8));
      start = end;
    }
  }

  static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative string length");
    }
    return new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }

  private static Class<?> modelClass(String name) throws IOException {
    if (!name.startsWith(MODEL)) {
      throw new IOException("not a model class: " + name);
    }
    try {
      return Class.forName(name, false, ModelCodec.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IOException("unknown model class " + name, e);
    }
  }

  private static RecordComponent[] components(Class<?> type) throws IOException {
    if (!type.isRecord()) {
      throw new IOException("not a record: " + type.getName());
    }
    return COMPONENTS.computeIfAbsent(type, Class::getRecordComponents);
  }

  private static Constructor<?> constructor(Class<?> type, RecordComponent[] cs) throws NoSuchMethodException {
    Constructor<?> c = CONSTRUCTORS.get(type);
    if (c == null) {
      Class<?>[] types = new Class<?>[cs.length];
      for (int i = 0; i < cs.length; i++) {
        types[i] = cs[i].getType();
      }
      c = type.getDeclaredConstructor(types);
      CONSTRUCTORS.put(type, c);
    }
    return c;
  }
}
