/**
 * How option defaults read in every command's help. Commander prints a default only when it holds
 * one, as JSON ("ood", [] for an empty list); options whose default is applied in code say it in
 * their description instead, as "(default: …)". This renders both the same way: bare values, and
 * nothing for an empty list or a --no-* switch.
 */
import type { Command, Help, Option } from "commander";

/** The default as help shows it, or undefined when there is nothing to show. */
export function shownDefault(option: Option): string | undefined {
  if (option.defaultValueDescription !== undefined) return option.defaultValueDescription;
  const v: unknown = option.defaultValue;
  if (v === undefined || option.negate || typeof v === "boolean") return undefined;
  if (Array.isArray(v)) return v.length ? v.join(" ") : undefined;
  return String(v);
}

/** Commander's optionDescription with bare defaults. */
export function optionDescription(option: Option): string {
  const extra: string[] = [];
  if (option.argChoices) extra.push(`choices: ${option.argChoices.join(", ")}`);
  const d = shownDefault(option);
  if (d !== undefined) extra.push(`default: ${d}`);
  if (option.presetArg !== undefined && option.optional) extra.push(`preset: ${String(option.presetArg)}`);
  if (option.envVar !== undefined) extra.push(`env: ${option.envVar}`);
  if (!extra.length) return option.description;
  return option.description ? `${option.description} (${extra.join(", ")})` : `(${extra.join(", ")})`;
}

/** Apply to the root program before commands are added: subcommands inherit the setting. */
export function configureDefaultsHelp(program: Command): Command {
  return program.configureHelp({ optionDescription: optionDescription as (this: Help, o: Option) => string });
}
