/**
 * The model specs `--model` takes, for help texts: the provider kinds from the models registry and
 * the baseline names from src/models/baselines, so a new provider or baseline shows without a CLI edit.
 */
import { BASELINE_NAMES, PROVIDER_SPECS } from "../models/index";

const BASELINE = "baseline:";

/** "openai:MODEL | … | baseline:NAME with NAME one of population-mode, attribute-mode:ATTR, …". */
export function modelSpecHelp(): string {
  const providers = PROVIDER_SPECS.filter((s) => !s.startsWith(BASELINE));
  // A baseline that takes an argument is listed with it, as PROVIDER_SPECS spells it.
  const baselines = BASELINE_NAMES.map((n) => PROVIDER_SPECS.find((s) => s.startsWith(`${BASELINE}${n}:`))?.slice(BASELINE.length) ?? n);
  return `${providers.join(" | ")} | ${BASELINE}NAME with NAME one of ${baselines.join(", ")}`;
}
