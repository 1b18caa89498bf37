/** `svlab prompt`: print the exact messages a model would get for one (question, subgroup, template). */
import type { Command } from "commander";
import { getSubgroup, loadBenchmark } from "../../benchmark/load";
import type { Prompt } from "../../models/types";
import { buildPrompt, DEFAULT_TEMPLATE, listTemplates, personaDescription, templateIds } from "../../personas";
import { getQuestion } from "../../wvs/codebook";
import { CliError, emit } from "../output";

interface PromptOpts {
  question?: string;
  subgroup?: string;
  template: string;
  json?: boolean;
  listTemplates?: boolean;
}

function human(p: Prompt & { persona: string }): string {
  const lines = [`${p.question} × ${p.subgroup}  [template ${p.templateId}]`, `persona: ${p.persona}`, ""];
  for (const m of p.messages) lines.push(`--- ${m.role} ---`, m.content, "");
  lines.push(`answer codes (in shown order): ${p.answerCodes.join(", ")}`);
  return lines.join("\n");
}

export function register(program: Command): void {
  program
    .command("prompt")
    .description("print the prompt messages for one question and subgroup (deterministic; what the model sees)")
    .option("--question <id>", "WVS question id, e.g. Q1")
    .option("--subgroup <id>", 'subgroup id, e.g. "age_x_religion:65 and over|Muslim"')
    .option("--template <id>", `template id (${templateIds().join(", ")})`, DEFAULT_TEMPLATE)
    .option("--list-templates", "list the templates and exit")
    .option("--json", "print JSON")
    .action(async (opts: PromptOpts) => {
      if (opts.listTemplates) {
        emit(listTemplates(), opts.json, (ts: ReturnType<typeof listTemplates>) =>
          [...ts.map((t) => `${t.id.padEnd(18)} ${t.description}`), "", 'Append "+reversed" to any id to reverse the option order.'].join("\n"));
        return;
      }
      if (!opts.question || !opts.subgroup) throw new CliError('prompt: expected --question <id> and --subgroup <id>, e.g. --question Q1 --subgroup "sex:Female"');
      const benchmark = await loadBenchmark();
      let subgroup: ReturnType<typeof getSubgroup>;
      try {
        subgroup = getSubgroup(benchmark, opts.subgroup);
      } catch (e) {
        throw new CliError(`prompt: ${(e as Error).message}`);
      }
      let question: ReturnType<typeof getQuestion>;
      try {
        question = getQuestion(opts.question);
      } catch (e) {
        throw new CliError(`prompt: ${(e as Error).message}`);
      }
      let prompt: Prompt;
      try {
        prompt = buildPrompt(question, subgroup, opts.template);
      } catch (e) {
        throw new CliError(`prompt: ${(e as Error).message}`);
      }
      emit({ ...prompt, persona: personaDescription(subgroup) }, opts.json, human);
    });
}
