package dev.kiln.cli;

import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Kiln's usage help: picocli's, as wide as the terminal up to {@link #MAX_WIDTH} columns, with
 * lines broken only at spaces. picocli's line breaker (the JDK's) also breaks after '.' and ':',
 * which split {@code .kiln/schema/}, {@code pipeline.pkl} and {@code unix:///path} across lines.
 */
final class KilnHelp extends Help {
  /** Wider lines are hard to read; narrower terminals get their width (picocli's minimum is 55). */
  static final int MAX_WIDTH = 100;

  private KilnHelp(CommandSpec spec, ColorScheme scheme) {
    super(spec, scheme);
  }

  /** Makes {@link KilnHelp}s; set on the whole command tree by {@link Kiln#commandLine}. */
  static final class Factory implements CommandLine.IHelpFactory {
    @Override
    public Help create(CommandSpec spec, ColorScheme scheme) {
      UsageMessageSpec usage = spec.usageMessage();
      if (usage.autoWidth() && usage.width() > MAX_WIDTH) {
        usage.autoWidth(false).width(MAX_WIDTH);
      }
      return new KilnHelp(spec, scheme);
    }
  }

  private int width() {
    return commandSpec().usageMessage().width();
  }

  @Override
  public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals, ColorScheme scheme) {
    Layout picocli = super.createDefaultLayout(options, positionals, scheme);
    return new Layout(scheme, new WordTable(scheme, picocli.textTable().columns()), createDefaultOptionRenderer(),
        createDefaultParameterRenderer());
  }

  @Override
  public String description(Object... params) {
    return lines(commandSpec().usageMessage().description(), 0, params);
  }

  @Override
  public String header(Object... params) {
    return lines(commandSpec().usageMessage().header(), 0, params);
  }

  @Override
  public String footer(Object... params) {
    // the examples: a line too long for the terminal goes on indented, under its own
    return lines(commandSpec().usageMessage().footer(), 4, params);
  }

  /**
   * Each of {@code values}, formatted as picocli does ({@code %n} is a line break) and wrapped,
   * the lines it wraps to indented by {@code indent}.
   */
  private String lines(String[] values, int indent, Object... params) {
    TextTable table = new WordTable(colorScheme(), new Column[] {new Column(width(), 0, Column.Overflow.WRAP)});
    table.indentWrappedLines = indent;
    for (String value : values) {
      String line;
      try {
        line = String.format(value, params);
      } catch (IllegalFormatException e) {
        line = value;
      }
      table.addRowValues(line);
    }
    return table.toString();
  }

  /** picocli's list of subcommands, with their descriptions wrapped at spaces. */
  @Override
  public String commandList(Map<String, Help> subcommands) {
    if (subcommands.isEmpty()) {
      return "";
    }
    int nameWidth = 0;
    for (String name : subcommands.keySet()) {
      nameWidth = Math.max(nameWidth, name.length());
    }
    nameWidth = Math.min(nameWidth, width() / 2) + 2;
    TextTable table = new WordTable(colorScheme(), new Column[] {
        new Column(nameWidth, 2, Column.Overflow.SPAN), new Column(width() - nameWidth, 2, Column.Overflow.WRAP)});
    for (Help sub : subcommands.values()) {
      UsageMessageSpec usage = sub.commandSpec().usageMessage();
      String[] text = usage.header().length > 0 ? usage.header() : usage.description();
      Text[] lines = colorScheme().text(text.length > 0 ? text[0] : "").splitLines();
      for (int i = 0; i < lines.length; i++) {
        table.addRowValues(i == 0 ? sub.commandNamesText(", ") : colorScheme().text(""), lines[i]);
      }
    }
    return table.toString();
  }

  @Override
  public TextTable createTextTable(Map<?, ?> map) {
    int keyWidth = 0;
    for (Object key : map.keySet()) {
      keyWidth = Math.max(keyWidth, String.valueOf(key).length());
    }
    keyWidth = Math.min(width() - 4, keyWidth) + 3;
    TextTable table = new WordTable(colorScheme(), new Column[] {
        new Column(keyWidth, 2, Column.Overflow.SPAN), new Column(width() - keyWidth, 2, Column.Overflow.WRAP)});
    for (Map.Entry<?, ?> e : map.entrySet()) {
      table.addRowValues(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
    }
    return table;
  }

  /** A text table whose wrapping columns break lines at spaces only. */
  private static final class WordTable extends TextTable {
    WordTable(ColorScheme scheme, Column[] columns) {
      super(scheme, columns);
    }

    @Override
    public Cell putValue(int row, int col, Text value) {
      Column[] columns = columns();
      Column column = columns[col];
      boolean wraps = column.overflow == Column.Overflow.WRAP
          || column.overflow == Column.Overflow.SPAN && col == columns.length - 1;
      if (!wraps || value == null || value.plainString().isEmpty()) {
        return super.putValue(row, col, value);
      }
      String indent = " ".repeat(indentWrappedLines);
      int width = column.width - column.indent;
      Cell cell = null;
      for (int[] line : breakAtSpaces(value.plainString(), width, width - indentWrappedLines)) {
        Text text = value.substring(line[0], line[1]);
        if (cell != null) {
          addEmptyRow();
          row = cell.row + 1; // below the last row written (picocli wraps a word too long for a line)
          text = value.substring(0, 0).concat(indent).concat(text);
        }
        cell = super.putValue(row, col, text);
      }
      return cell;
    }

    /**
     * The [start, end) of each line of {@code s}: as many words as fit in {@code first} columns,
     * then {@code rest}; a word longer than a line gets a line of its own (and picocli cuts it).
     */
    static List<int[]> breakAtSpaces(String s, int first, int rest) {
      List<int[]> lines = new ArrayList<>();
      int start = 0;
      while (start < s.length()) {
        while (!lines.isEmpty() && start < s.length() && s.charAt(start) == ' ') {
          start++; // a continuation line starts at its first word; the first keeps its indent
        }
        int width = lines.isEmpty() ? first : rest;
        int end = start;
        int next = start;
        while (next < s.length()) {
          int space = s.indexOf(' ', next);
          int wordEnd = space < 0 ? s.length() : space;
          if (wordEnd - start > width && end > start) {
            break;
          }
          end = wordEnd;
          next = wordEnd + 1;
        }
        if (end > start) {
          lines.add(new int[] {start, end});
        }
        start = next;
      }
      return lines;
    }
  }
}
