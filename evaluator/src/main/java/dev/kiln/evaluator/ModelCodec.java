package dev.kiln.evaluator;

import dev.kiln.model.SourceLocation;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes and reads the model's records for the evaluation cache: records (by their components),
 * lists, maps (in order), strings, numbers, booleans, enums, paths, source locations and null. Only classes of the model
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

  private static final Map<Class<?>, RecordComponent[]> COMPONENTS = new ConcurrentHashMap<>();
  private static final Map<Class<?>, Constructor<?>> CONSTRUCTORS = new ConcurrentHashMap<>();

  private ModelCodec() {}

  static void write(DataOutputStream out, Object value) throws IOException {
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
      for (Object o : list) {
        write(out, o);
      }
    } else if (value instanceof Map<?, ?> map) {
      out.writeByte(MAP);
      out.writeInt(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        write(out, e.getKey());
        write(out, e.getValue());
      }
    } else if (value instanceof SourceLocation l) {
      out.writeByte(LOCATION);
      writeString(out, l.file().toString());
      out.writeInt(l.line());
      out.writeInt(l.column());
    } else if (value instanceof Path p) {
      out.writeByte(PATH);
      writeString(out, p.toString());
    } else if (value instanceof Enum<?> e && e.getDeclaringClass().getName().startsWith(MODEL)) {
      out.writeByte(ENUM);
      out.writeUTF(e.getDeclaringClass().getName());
      out.writeUTF(e.name());
    } else if (value instanceof Record r && r.getClass().getName().startsWith(MODEL)) {
      out.writeByte(RECORD);
      out.writeUTF(r.getClass().getName());
      for (RecordComponent c : components(r.getClass())) {
        try {
          write(out, c.getAccessor().invoke(r));
        } catch (IllegalAccessException | InvocationTargetException ex) {
          throw new IOException("cannot read " + c + ": " + ex, ex);
        }
      }
    } else {
      throw new IOException("the model holds a " + value.getClass().getName() + ", which the cache cannot store");
    }
  }

  static Object read(DataInputStream in) throws IOException {
    int tag = in.readByte();
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
      case LIST: {
        int n = in.readInt();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(read(in));
        }
        return list;
      }
      case MAP: {
        int n = in.readInt();
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          map.put(read(in), read(in));
        }
        return map;
      }
      case LOCATION:
        return new SourceLocation(Path.of(readString(in)), in.readInt(), in.readInt());
      case PATH:
        return Path.of(readString(in));
      case ENUM: {
        Class<?> type = modelClass(in.readUTF());
        String name = in.readUTF();
        for (Object c : type.getEnumConstants()) {
          if (((Enum<?>) c).name().equals(name)) {
            return c;
          }
        }
        throw new IOException("no constant " + name + " in " + type.getName());
      }
      case RECORD: {
        Class<?> type = modelClass(in.readUTF());
        RecordComponent[] cs = components(type);
        Object[] args = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) {
          args[i] = read(in);
        }
        try {
          return constructor(type, cs).newInstance(args);
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new IOException("cannot make a " + type.getName() + ": " + e, e);
        }
      }
      default:
        throw new IOException("unknown tag " + tag);
    }
  }

  /** A string of any length (writeUTF stops at 64 KiB, and a file's contents may be longer). */
  static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative string length");
    }
    return new String(in.readNBytes(n), java.nio.charset.StandardCharsets.UTF_8);
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
