/** Old option spellings kept working after a rename, without showing in help. */
import { type Command, Option } from "commander";

/**
 * Accept `flags` (e.g. "--tie <policy>") as a hidden alias of the option stored under `target`
 * (commander's attribute name, e.g. "ties"): the value lands where the current spelling puts it.
 */
export function hiddenAlias(cmd: Command, flags: string, target: string): Command {
  const alias = new Option(flags).hideHelp();
  cmd.addOption(alias);
  cmd.on(`option:${alias.name()}`, (value: unknown) => {
    cmd.setOptionValueWithSource(target, value, "cli");
  });
  return cmd;
}
