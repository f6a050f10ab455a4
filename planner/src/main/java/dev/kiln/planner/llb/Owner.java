package dev.kiln.planner.llb;

import dev.kiln.planner.llb.pb.ChownOpt;
import dev.kiln.planner.llb.pb.NamedUserOpt;
import dev.kiln.planner.llb.pb.UserOpt;
import java.util.Objects;

/**
 * The owner given to created or copied files: names are looked up in the target's
 * {@code /etc/passwd} by the engine, numbers are used as they are.
 *
 * @param user user name or numeric id
 * @param group group name or numeric id, or empty for the user's group
 */
public record Owner(String user, String group) {
  public Owner {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(group, "group");
    if (user.isEmpty()) {
      throw new IllegalArgumentException("an owner needs a user");
    }
  }

  /** Parses {@code user[:group]}. */
  public static Owner parse(String text) {
    int colon = text.indexOf(':');
    return colon < 0 ? new Owner(text, "") : new Owner(text.substring(0, colon), text.substring(colon + 1));
  }

  ChownOpt toPb() {
    var chown = ChownOpt.newBuilder().setUser(userOpt(user));
    if (!group.isEmpty()) {
      chown.setGroup(userOpt(group));
    }
    return chown.build();
  }

  private static UserOpt userOpt(String nameOrId) {
    if (!nameOrId.isEmpty() && nameOrId.chars().allMatch(Character::isDigit)) {
      return UserOpt.newBuilder().setByID(Integer.parseUnsignedInt(nameOrId)).build();
    }
    // input -1: look the name up in the destination filesystem itself
    return UserOpt.newBuilder()
        .setByName(NamedUserOpt.newBuilder().setName(nameOrId).setInput(-1))
        .build();
  }

  @Override
  public String toString() {
    return group.isEmpty() ? user : user + ":" + group;
  }
}
